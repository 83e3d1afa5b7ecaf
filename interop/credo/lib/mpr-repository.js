'use strict'
// Credo 0.5's MessagePickupRepository over the MPR JSON-RPC WebSocket API (the rpc-websockets 7 dialect the
// TypeScript MPR client speaks). Written for this project; it behaves as that client does: one socket, every
// call bounded by a timeout, `messagesReceived` notifications handed to one callback, and an optional
// connection-info callback that adds a push token to addMessage and a byte limit to takeFromQueue.
const { Client } = require('rpc-websockets')

class MprMessagePickupRepository {
  /**
   * @param {{url: string, callTimeoutMs?: number, connectTimeoutMs?: number}} options the server's WebSocket URL
   *   (add `?token=` when the server has MPR_AUTH_TOKENS set) and the bounds of a call and of connecting
   */
  constructor({ url, callTimeoutMs = 2000, connectTimeoutMs = 10000 }) {
    this.url = url
    this.callTimeoutMs = callTimeoutMs
    this.connectTimeoutMs = connectTimeoutMs
    this.onMessages = undefined
    this.connectionInfo = undefined
  }

  /** Called with `{connectionId, messages}` when the server delivers messages for a live session this socket holds. */
  messagesReceived(callback) {
    this.onMessages = callback
  }

  /** `connectionId => Promise<{pushNotificationToken?: {type, token}, maxReceiveBytes?: number} | undefined>` */
  setConnectionInfo(callback) {
    this.connectionInfo = callback
  }

  /** Opens the socket and subscribes to messagesReceived; rejects if it is not open within connectTimeoutMs. */
  connect() {
    // no automatic reconnection: a new socket holds no live session, so the mediator decides what to do
    this.client = new Client(this.url, { reconnect: false })
    const client = this.client
    client.on('messagesReceived', (params) => {
      if (this.onMessages) this.onMessages(params)
    })
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection to ${this.url} within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs)
      client.once('open', () => {
        clearTimeout(timer)
        client.subscribe('messagesReceived').then(() => resolve(), reject)
      })
      client.once('error', (error) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(`cannot connect to ${this.url}: ${error?.message ?? error}`))
      })
    })
  }

  async call(method, params, expected) {
    if (!this.client) throw new Error('not connected: call connect() first')
    const result = await this.client.call(method, params, this.callTimeoutMs)
    if (expected && !expected(result)) throw new Error(`unexpected result of ${method}: ${JSON.stringify(result)}`)
    return result
  }

  async info(connectionId) {
    return this.connectionInfo ? this.connectionInfo(connectionId) : undefined
  }

  async addMessage({ connectionId, recipientDids, payload }) {
    const params = { connectionId, recipientDids, payload }
    const token = (await this.info(connectionId))?.pushNotificationToken
    if (token) params.pushNotificationToken = token
    const result = await this.call('addMessage', params, (r) => typeof r?.messageId === 'string')
    return result.messageId
  }

  async takeFromQueue({ connectionId, recipientDid, limit, deleteMessages }) {
    const params = { connectionId, recipientDid, limit, deleteMessages }
    const maxReceiveBytes = (await this.info(connectionId))?.maxReceiveBytes
    if (maxReceiveBytes) params.limitBytes = maxReceiveBytes
    return this.call('takeFromQueue', params, Array.isArray)
  }

  async getAvailableMessageCount({ connectionId, recipientDid }) {
    return this.call('getAvailableMessageCount', { connectionId, recipientDid }, (r) => typeof r === 'number')
  }

  async removeMessages({ connectionId, messageIds }) {
    await this.call('removeMessages', { connectionId, messageIds }, (r) => typeof r === 'boolean')
  }

  async removeAllMessages({ connectionId, recipientDid }) {
    await this.call('removeAllMessages', { connectionId, recipientDid }, (r) => typeof r === 'boolean')
  }

  async addLiveSession({ connectionId, sessionId }) {
    return this.call('addLiveSession', { connectionId, sessionId }, (r) => typeof r === 'boolean')
  }

  async removeLiveSession({ connectionId, sessionId }) {
    return this.call('removeLiveSession', { connectionId, sessionId }, (r) => typeof r === 'boolean')
  }

  async getLiveSession({ connectionId }) {
    return (await this.call('getLiveSession', { connectionId }, (r) => typeof r === 'boolean' || r === null)) === true
  }

  async ping() {
    return this.call('ping', undefined, (r) => r === 'pong')
  }

  async disconnect() {
    if (this.client) this.client.close()
    this.client = undefined
  }
}

module.exports = { MprMessagePickupRepository }
