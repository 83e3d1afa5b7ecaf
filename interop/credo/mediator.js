'use strict'
// A Credo 0.5 mediator whose message pickup repository is an MPR server, wired as the 2060 mediator wires the
// TypeScript MPR client. One process per mediator instance; instances sharing a --data file share keys and
// records (as instances sharing a database do), so a restarted instance carries on where the old one stopped.
//
//   node mediator.js --port 4000 --endpoint ws://127.0.0.1:4000 --mpr ws://127.0.0.1:3100 --data m.json [--invite]
//
// Prints one JSON line per event on stdout: ready (with the invitation URL when --invite), granted, queued,
// delivered, removed and inbound (a message read from a socket), for the interop suite to follow.
const {
  AgentEventTypes,
  ConnectionsModule,
  MediatorModule,
  MediationState,
  MessagePickupEventTypes,
  MessagePickupModule,
  RoutingEventTypes,
} = require('@credo-ts/core')
const { WsInboundTransport } = require('@credo-ts/node')
const http = require('http')
const { WebSocketServer } = require('ws')
const { createAgent } = require('./lib/agents')
const { FileBacking } = require('./lib/backing')
const { MprMessagePickupRepository } = require('./lib/mpr-repository')
const { loadSodium } = require('./lib/wallet')

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`)

function options(argv) {
  const opts = {}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--invite') opts.invite = true
    else if (argv[i].startsWith('--')) opts[argv[i].slice(2)] = argv[++i]
  }
  for (const name of ['port', 'endpoint', 'mpr', 'data']) {
    if (!opts[name]) throw new Error(`missing --${name}`)
  }
  return opts
}

/** The repository, telling the suite what it queued and removed. */
class ReportingRepository extends MprMessagePickupRepository {
  async addMessage(options) {
    const messageId = await super.addMessage(options)
    emit({ event: 'queued', connectionId: options.connectionId, messageId })
    return messageId
  }

  async removeMessages(options) {
    await super.removeMessages(options)
    emit({ event: 'removed', connectionId: options.connectionId, messageIds: options.messageIds })
  }
}

async function main() {
  const opts = options(process.argv.slice(2))
  await loadSodium()
  const messagePickupRepository = new ReportingRepository({ url: opts.mpr })

  const agent = createAgent({
    label: 'interop-mediator',
    backing: new FileBacking(opts.data),
    endpoints: [opts.endpoint],
    modules: {
      connections: new ConnectionsModule({ autoAcceptConnections: true }),
      mediator: new MediatorModule({
        autoAcceptMediationRequests: true,
        // every forwarded message goes through the MPR server, which delivers it to the live session's holder
        messageForwardingStrategy: process.env.INTEROP_FORWARDING_STRATEGY ?? 'QueueOnly',
      }),
      messagePickup: new MessagePickupModule({ messagePickupRepository }),
    },
  })
  // Not `new WsInboundTransport({ port })`: that listens at once, but Credo reads a socket only if it was
  // accepted after agent.initialize() started the transport; a socket accepted while the agent starts stays
  // open and unread, so a forward sent on it is lost and a mediatee's pickup on it is never answered. The
  // port opens once the agent is initialized (listen() below); until then connections are refused.
  const httpServer = http.createServer((request, response) => response.writeHead(426).end())
  agent.registerInboundTransport(new WsInboundTransport({ server: new WebSocketServer({ server: httpServer }) }))

  // the server delivers messages for a live session this instance holds: hand them to Credo's live session
  messagePickupRepository.messagesReceived(async ({ connectionId, messages }) => {
    try {
      const session = await agent.messagePickup.getLiveModeSession({ connectionId })
      if (!session) return
      await agent.messagePickup.deliverMessages({ pickupSessionId: session.id, messages })
      emit({ event: 'delivered', connectionId, messageIds: messages.map((m) => m.id) })
    } catch (error) {
      emit({ event: 'error', where: 'messagesReceived', message: String(error?.message ?? error) })
    }
  })
  // Credo's live sessions become the server's, so that messages forwarded by any instance reach this one
  agent.events.on(MessagePickupEventTypes.LiveSessionSaved, async ({ payload: { session } }) => {
    try {
      await messagePickupRepository.addLiveSession({ connectionId: session.connectionId, sessionId: session.id })
    } catch (error) {
      emit({ event: 'error', where: 'addLiveSession', message: String(error?.message ?? error) })
    }
  })
  agent.events.on(MessagePickupEventTypes.LiveSessionRemoved, async ({ payload: { session } }) => {
    try {
      await messagePickupRepository.removeLiveSession({ connectionId: session.connectionId })
    } catch (error) {
      emit({ event: 'error', where: 'removeLiveSession', message: String(error?.message ?? error) })
    }
  })
  // every message Credo's inbound transport reads from a socket
  agent.events.on(AgentEventTypes.AgentMessageReceived, () => emit({ event: 'inbound' }))
  agent.events.on(RoutingEventTypes.MediationStateChanged, ({ payload: { mediationRecord } }) => {
    if (mediationRecord.state === MediationState.Granted) {
      emit({ event: 'granted', connectionId: mediationRecord.connectionId })
    }
  })

  await messagePickupRepository.connect()
  await agent.initialize()
  await new Promise((resolve, reject) => httpServer.once('error', reject).listen(Number(opts.port), '127.0.0.1', resolve))

  let invitationUrl
  if (opts.invite) {
    const { outOfBandInvitation } = await agent.oob.createInvitation({ multiUseInvitation: true })
    invitationUrl = outOfBandInvitation.toUrl({ domain: opts.endpoint })
  }
  emit({ event: 'ready', invitationUrl })

  const stop = async () => {
    await agent.shutdown().catch(() => {})
    httpServer.close()
    await messagePickupRepository.disconnect()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((error) => {
  emit({ event: 'error', where: 'start', message: String(error?.stack ?? error) })
  process.exit(1)
})
