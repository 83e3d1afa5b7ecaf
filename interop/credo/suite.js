'use strict'
// The Credo interop suite: a Credo 0.5 mediator (one process per instance, behind a load balancer) whose
// message pickup repository is the MPR server under test, a mediatee picking up with Pickup V2 live mode, and a
// sender sending basic messages to the mediatee through the mediator.
//
//   node suite.js WS_URL [WS_URL2]      (WS_URL2: a second server instance sharing the first one's store)
//
// Prints PASS/FAIL per check and "N passed, M failed" last; exits 1 when a check failed. Every wait is bounded.
const { spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const readline = require('readline')
const {
  AgentEventTypes,
  BasicMessageEventTypes,
  BasicMessageRole,
  ConnectionsModule,
  MediationRecipientModule,
  MediatorPickupStrategy,
  TransportEventTypes,
} = require('@credo-ts/core')
const { WsInboundTransport } = require('@credo-ts/node')
const WebSocket = require('ws')
const { createAgent } = require('./lib/agents')
const { MemoryBacking } = require('./lib/backing')
const { Balancer } = require('./lib/balancer')
const { MprMessagePickupRepository } = require('./lib/mpr-repository')
const { loadSodium } = require('./lib/wallet')

const WAIT_MS = Number(process.env.INTEROP_WAIT_MS ?? 20000) // the longest any one wait may take
const SUITE_MS = Number(process.env.INTEROP_SUITE_MS ?? 300000) // the whole suite
const PICKUP = 'https://didcomm.org/messagepickup/2.0/'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `condition` every 50 ms until it is truthy; fails naming `what` after `ms`. */
async function waitUntil(what, condition, ms = WAIT_MS) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await condition()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(50)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Opens a WebSocket to a loopback port, trying every 10 ms while it is refused; resolves to the first socket that
 * opens, or fails after `ms`.
 */
async function firstSocket(port, ms) {
  const deadline = Date.now() + ms
  for (;;) {
    const socket = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { handshakeTimeout: 2000 })
      ws.once('open', () => resolve(ws))
      ws.once('error', () => resolve(undefined))
    })
    if (socket) return socket
    if (Date.now() > deadline) throw new Error(`no socket to port ${port} opened within ${ms} ms`)
    await sleep(10)
  }
}

/** One mediator instance: a child process whose JSON event lines are collected. */
class MediatorProcess {
  constructor(name, args, env = {}) {
    this.name = name
    this.args = args
    this.env = env
    this.events = []
  }

  start(extraArgs = []) {
    this.child = spawn(process.execPath, [path.join(__dirname, 'mediator.js'), ...this.args, ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } })
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.exited = exited
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.events.push({ ...JSON.parse(line), from: this.name })
        if (process.env.INTEROP_DEBUG) process.stderr.write(`${new Date().toISOString()} [${this.name}] ${line}\n`)
      } catch (ignored) {
        process.stderr.write(`[${this.name}] ${line}\n`)
      }
    })
    readline.createInterface({ input: this.child.stderr }).on('line', (line) => process.stderr.write(`[${this.name}] ${line}\n`))
    const started = this.events.length
    return waitUntil(`${this.name} to start`, () => {
      const failed = this.events.slice(started).find((e) => e.event === 'error' && e.where === 'start')
      if (failed) throw new Error(`${this.name} did not start: ${failed.message}`)
      return this.events.slice(started).find((e) => e.event === 'ready')
    }, 3 * WAIT_MS) // loading Credo takes seconds on a busy machine
  }

  /** Kills the process at once (no shutdown: sockets are left to the operating system). */
  async kill() {
    this.child.kill('SIGKILL')
    await waitUntil(`${this.name} to exit`, async () => (await Promise.race([this.exited.then(() => true), sleep(50)])))
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return
    this.child.kill('SIGTERM')
    const exited = await Promise.race([this.exited.then(() => true), sleep(5000)])
    if (!exited) this.child.kill('SIGKILL')
  }

  errors() {
    return this.events.filter((e) => e.event === 'error')
  }
}

/** The mediatee's side: every basic message it received, and the pickup messages it processed and sent. */
class Inbox {
  constructor() {
    this.texts = []
    this.pickup = []
  }

  watch(agent) {
    agent.events.on(BasicMessageEventTypes.BasicMessageStateChanged, ({ payload }) => {
      if (payload.basicMessageRecord.role === BasicMessageRole.Receiver) this.texts.push(payload.message.content)
    })
    agent.events.on(AgentEventTypes.AgentMessageProcessed, ({ payload }) => {
      if (payload.message.type.startsWith(PICKUP)) this.pickup.push(`received ${payload.message.type.slice(PICKUP.length)}`)
    })
    agent.events.on(AgentEventTypes.AgentMessageSent, ({ payload }) => {
      const type = payload.message.message.type
      if (type.startsWith(PICKUP)) this.pickup.push(`sent ${type.slice(PICKUP.length)}`)
    })
  }

  has(texts) {
    return texts.every((t) => this.texts.includes(t))
  }
}

const numbered = (prefix, from, to) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${from + i}`)

class Suite {
  constructor(wsUrl, wsUrl2) {
    this.wsUrl = wsUrl
    this.wsUrl2 = wsUrl2
    this.passed = 0
    this.failed = 0
    this.mediators = []
    this.agents = []
  }

  async check(name, body) {
    try {
      const detail = await body()
      this.passed++
      console.log(`PASS ${name}${detail ? ` (${detail})` : ''}`)
    } catch (error) {
      this.failed++
      console.log(`FAIL ${name}: ${error?.message ?? error}`)
      if (process.env.INTEROP_DEBUG) console.log(error?.stack)
    }
  }

  skip(name, why) {
    this.failed++
    console.log(`FAIL ${name}: not run, ${why}`)
  }

  events(kind) {
    return this.mediators.flatMap((m) => m.events).filter((e) => e.event === kind)
  }

  queuedSince(mark) {
    return this.mediators.flatMap((m) => m.events.slice(mark.get(m) ?? 0))
      .filter((e) => e.event === 'queued' && e.connectionId === this.connectionId).map((e) => e.messageId)
  }

  mark() {
    return new Map(this.mediators.map((m) => [m, m.events.length]))
  }

  removed() {
    return new Set(this.events('removed').flatMap((e) => e.messageIds))
  }

  async setUp() {
    await loadSodium()
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpr-credo-'))
    this.balancer = new Balancer()
    const endpoint = `ws://127.0.0.1:${await this.balancer.listen()}`
    const data = path.join(this.dir, 'mediator.json')
    const instance = async (name, mpr, invite) => {
      const port = await freePort()
      const args = ['--port', String(port), '--endpoint', endpoint, '--mpr', mpr, '--data', data]
      const mediator = new MediatorProcess(name, args)
      mediator.port = port
      this.mediators.push(mediator)
      return { mediator, ready: await mediator.start(invite ? ['--invite'] : []) }
    }
    const first = await instance('mediator-a', this.wsUrl, true)
    this.a = first.mediator
    if (this.wsUrl2) this.b = (await instance('mediator-b', this.wsUrl2, false)).mediator
    this.balancer.pointAt(this.a.port)

    this.mpr = new MprMessagePickupRepository({ url: this.wsUrl })
    await this.mpr.connect()

    this.inbox = new Inbox()
    this.mediateeBacking = new MemoryBacking()
    this.mediatee = await this.startMediatee(first.ready.invitationUrl)
    this.connectionId = (await waitUntil('the mediation grant', () => this.events('granted')[0])).connectionId
    await this.waitForLiveSession(true)

    const senderPort = await freePort()
    this.sender = createAgent({
      label: 'interop-sender',
      backing: new MemoryBacking(),
      endpoints: [`ws://127.0.0.1:${senderPort}`],
      modules: { connections: new ConnectionsModule({ autoAcceptConnections: true }) },
    })
    this.sender.registerInboundTransport(new WsInboundTransport({ port: senderPort }))
    this.agents.push(this.sender)
    await this.sender.initialize()
    const { outOfBandInvitation } = await this.mediatee.oob.createInvitation()
    const { connectionRecord } = await this.sender.oob.receiveInvitation(outOfBandInvitation)
    const connected = await this.sender.connections.returnWhenIsConnected(connectionRecord.id, { timeoutMs: WAIT_MS })
    this.senderConnectionId = connected.id
    return `mediator connection ${this.connectionId}`
  }

  /**
   * Starts the mediatee; with an invitation, connects to the mediator and requests mediation first. (Credo's
   * own provisioning, `mediatorInvitationUrl`, is not used: the DID exchange ends with a `complete` message
   * marked return_route none, on which Credo 0.5's mediator closes the socket, and a mediation request sent on
   * that socket meanwhile gets its grant queued instead of answered. Requesting once that socket has closed
   * always works.)
   */
  async startMediatee(mediatorInvitationUrl) {
    const agent = createAgent({
      label: 'interop-mediatee',
      backing: this.mediateeBacking,
      modules: {
        connections: new ConnectionsModule({ autoAcceptConnections: true }),
        mediationRecipient: new MediationRecipientModule({
          mediatorPickupStrategy: MediatorPickupStrategy.PickUpV2LiveMode,
          baseMediatorReconnectionIntervalMs: 250,
          maximumMediatorReconnectionIntervalMs: 2000,
        }),
      },
    })
    this.inbox.watch(agent)
    this.agents.push(agent)
    await agent.initialize()
    if (mediatorInvitationUrl) {
      let closed = false
      agent.events.on(TransportEventTypes.OutboundWebSocketClosedEvent, () => {
        closed = true
      })
      const { connectionRecord } = await agent.oob.receiveInvitationFromUrl(mediatorInvitationUrl)
      const connection = await agent.connections.returnWhenIsConnected(connectionRecord.id, { timeoutMs: WAIT_MS })
      await waitUntil('the handshake socket to close', () => closed, 5000).catch(() => {})
      const mediation = await agent.mediationRecipient.requestAndAwaitGrant(connection, WAIT_MS)
      await agent.mediationRecipient.setDefaultMediator(mediation)
      await agent.mediationRecipient.initiateMessagePickup(mediation, MediatorPickupStrategy.PickUpV2LiveMode)
    }
    return agent
  }

  waitForLiveSession(live) {
    return waitUntil(`getLiveSession to be ${live}`, async () => (await this.mpr.getLiveSession({ connectionId: this.connectionId })) === live)
  }

  send(text) {
    return this.sender.basicMessages.sendMessage(this.senderConnectionId, text)
  }

  /** Sends, retrying while no mediator instance takes the message (one is being restarted). */
  async sendRetrying(text) {
    await waitUntil(`a mediator to take "${text}"`, () => this.send(text).then(() => true, () => sleep(200).then(() => false)),
      3 * WAIT_MS) // as long as a restart may take
  }

  async live() {
    const texts = numbered('live', 1, 3)
    for (const text of texts) await this.send(text)
    await waitUntil('the live messages', () => this.inbox.has(texts))
    await sleep(500) // time for a second delivery to show
    return `${this.twice(texts)} delivered twice`
  }

  twice(texts) {
    return texts.filter((t) => this.inbox.texts.filter((x) => x === t).length > 1).length
  }

  async offline() {
    const mark = this.mark()
    await this.mediatee.shutdown()
    await this.waitForLiveSession(false)
    const pickupBefore = this.inbox.pickup.length
    const offlineMark = this.mark()
    const texts = numbered('offline', 1, 5)
    for (const text of texts) await this.send(text)
    // besides the forwarded messages, Credo's mediator may queue one of its own: the pickup status answering the
    // mediatee's last messages-received, when the mediatee's socket closed before it could be sent
    let queued = []
    let waiting
    await waitUntil('the server to hold every message the mediator queued', async () => {
      queued = this.queuedSince(mark)
      if (this.queuedSince(offlineMark).length < texts.length) return false
      waiting = await this.mpr.getAvailableMessageCount({ connectionId: this.connectionId })
      return waiting === queued.length
    }).catch((error) => {
      throw new Error(`${error.message}: it holds ${waiting}, the mediator queued ${queued.length}`)
    })
    this.mediatee = await this.startMediatee(undefined)
    await waitUntil('the offline messages', () => this.inbox.has(texts))
    const order = this.inbox.texts.filter((t) => t.startsWith('offline-'))
    if (order.join() !== texts.join()) throw new Error(`arrived as ${order.join(', ')}`)
    const steps = this.inbox.pickup.slice(pickupBefore)
    for (const step of ['sent status-request', 'received status', 'sent delivery-request', 'received delivery', 'sent messages-received']) {
      if (!steps.includes(step)) throw new Error(`no "${step}" in the pickup: ${steps.join(', ')}`)
    }
    await waitUntil(`the removal of the ${queued.length} messages`, () => queued.every((id) => this.removed().has(id)))
    const left = await this.mpr.getAvailableMessageCount({ connectionId: this.connectionId })
    if (left !== 0) throw new Error(`${left} messages left after the pickup`)
    await this.waitForLiveSession(true)
    return `${queued.length} queued (${queued.length - texts.length} by Credo itself); ${steps.join(', ')}`
  }

  async twoInstances() {
    this.balancer.pointAt(this.b.port)
    const mark = this.mark()
    await this.send('across-1')
    await waitUntil('the message forwarded by the other instance', () => this.inbox.has(['across-1']))
    // the instances report after the fact: the mediatee may have the message before their lines arrive
    let queuedByB = false
    let deliveredByA = false
    await waitUntil('mediator-b to report queuing it and mediator-a delivering it', () => {
      queuedByB = this.b.events.slice(mark.get(this.b)).some((e) => e.event === 'queued')
      deliveredByA = this.a.events.slice(mark.get(this.a)).some((e) => e.event === 'delivered')
      return queuedByB && deliveredByA
    }).catch((error) => {
      throw new Error(`${error.message} (queued by b: ${queuedByB}, delivered by a: ${deliveredByA})`)
    })
    return 'queued by mediator-b, delivered live by mediator-a'
  }

  /**
   * Credo 0.5's `WsInboundTransport({ port })` listens as soon as it is built but reads only the sockets it
   * accepts once agent.initialize() has started it: a socket accepted in between opens and is never read, so a
   * forward sent on it is lost and a mediatee's pickup request on it is never answered (and, as the socket
   * stays open, the mediatee does not reconnect). A mediator must not accept connections before it reads them.
   * A new instance is started while a socket to its port is tried every 10 ms; the first that opens carries one
   * message, which the instance must report having read.
   */
  async startingInstance() {
    const port = await freePort()
    const args = ['--port', String(port), '--endpoint', `ws://127.0.0.1:${port}`, '--mpr', this.wsUrl,
      '--data', path.join(this.dir, 'starting.json')]
    // the message is no DIDComm message Credo can process: keep the error Credo logs for it out of the output
    const probe = new MediatorProcess('mediator-starting', args, { CREDO_LOG_LEVEL: process.env.CREDO_LOG_LEVEL ?? 'off' })
    this.mediators.push(probe)
    const started = probe.start().then(() => undefined, (error) => error)
    let socket
    try {
      socket = await firstSocket(port, 3 * WAIT_MS)
      const ready = probe.events.some((e) => e.event === 'ready')
      socket.send(JSON.stringify({ '@type': 'https://didcomm.org/trust_ping/1.0/ping', '@id': 'starting-instance-probe' }))
      await waitUntil(`the instance to read the message sent on the first socket it accepted (${ready ? 'after' : 'before'}`
        + ' it reported ready)', () => probe.events.some((e) => e.event === 'inbound'))
      const failed = await started
      if (failed) throw failed
      return 'the first socket it accepted was read'
    } finally {
      socket?.terminate()
      await probe.stop()
    }
  }

  async restart() {
    // the instance holding the mediatee's live session dies right after queuing a burst, while deliveries and
    // acknowledgements are under way; the sender goes on meanwhile, through the second instance if there is
    // one, else into the restarting instance (a send it refuses fails and is sent again)
    const viaOther = Boolean(this.b)
    this.balancer.pointAt(viaOther ? this.b.port : this.a.port)
    const burst = numbered('restart', 1, 10)
    const mark = this.mark()
    for (const text of burst) await this.send(text)
    await waitUntil('the burst to be queued', () => this.queuedSince(mark).length >= burst.length)
    const deliveredBeforeKill = burst.filter((t) => this.inbox.texts.includes(t)).length
    await this.a.kill()
    const during = numbered('restart', 11, 15)
    if (viaOther) {
      for (const text of during) await this.send(text)
      await this.a.start()
    } else {
      const restarted = this.a.start().then(() => undefined, (error) => error)
      for (const text of during) await this.sendRetrying(text)
      const failed = await restarted
      if (failed) throw failed
    }
    let after = []
    if (viaOther) {
      this.balancer.pointAt(this.a.port)
      after = numbered('restart', 16, 20)
      for (const text of after) await this.send(text)
    }
    const all = [...burst, ...during, ...after]
    await waitUntil(`all ${all.length} messages`, () => this.inbox.has(all)).catch(async (error) => {
      // whether the missing ones reached the server, and whether it has a live session to deliver them on
      const live = await this.mpr.getLiveSession({ connectionId: this.connectionId }).catch((e) => e.message)
      const waiting = await this.mpr.getAvailableMessageCount({ connectionId: this.connectionId }).catch((e) => e.message)
      throw new Error(`${error.message}; missing: ${all.filter((t) => !this.inbox.texts.includes(t)).join(', ')}`
        + ` (the mediators queued ${this.queuedSince(mark).length} since the burst; the server has ${waiting} waiting`
        + ` and live session ${live})`)
    })
    return `${deliveredBeforeKill} of the burst delivered before the kill, ${all.length} received, ${this.twice(all)} delivered twice`
  }

  async run() {
    const names = {
      live: 'a message sent while the mediatee is connected arrives live',
      offline: 'messages sent while the mediatee is offline wait in the server and arrive in order when it reconnects',
      two: 'two mediator instances: a message forwarded by one reaches the mediatee connected to the other',
      starting: 'a mediator instance that is starting reads every socket it accepts',
      restart: 'a mediator instance restarted mid-stream loses nothing',
    }
    let ready = false
    await this.check('a mediatee gets mediation and a sender connects to it through the mediator', async () => {
      const detail = await this.setUp()
      ready = true
      return detail
    })
    if (!ready) {
      for (const [key, name] of Object.entries(names)) {
        if (key !== 'two' || this.wsUrl2) this.skip(name, 'the set-up failed')
      }
      return
    }
    await this.check(names.live, () => this.live())
    await this.check(names.offline, () => this.offline())
    if (this.wsUrl2) await this.check(names.two, () => this.twoInstances())
    else console.log(`SKIP ${names.two}: no WS_URL2`)
    await this.check(names.starting, () => this.startingInstance())
    await this.check(names.restart, () => this.restart())
    await this.check('the mediators reported no errors', async () => {
      const errors = this.mediators.flatMap((m) => m.errors())
      if (errors.length) throw new Error(errors.map((e) => `${e.from} ${e.where}: ${e.message}`).join('; '))
    })
  }

  async tearDown() {
    for (const agent of this.agents) await Promise.race([agent.shutdown().catch(() => {}), sleep(3000)])
    if (this.mpr) await this.mpr.disconnect()
    for (const mediator of this.mediators) await mediator.stop()
    if (this.balancer?.server) await this.balancer.close()
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

async function main() {
  const [wsUrl, wsUrl2] = process.argv.slice(2)
  if (!wsUrl) {
    console.error('usage: node suite.js WS_URL [WS_URL2]')
    process.exit(2)
  }
  const suite = new Suite(wsUrl, wsUrl2)
  const overall = setTimeout(() => {
    console.log(`FAIL the suite finished within ${SUITE_MS} ms`)
    console.log(`${suite.passed} passed, ${suite.failed + 1} failed`)
    for (const mediator of suite.mediators) mediator.child?.kill('SIGKILL')
    process.exit(1)
  }, SUITE_MS)
  try {
    await suite.run()
  } finally {
    await suite.tearDown().catch((error) => console.error(`tear-down: ${error?.message ?? error}`))
    clearTimeout(overall)
  }
  console.log(`${suite.passed} passed, ${suite.failed} failed`)
  process.exit(suite.failed === 0 ? 0 : 1)
}

main()
