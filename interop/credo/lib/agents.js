'use strict'
// What every test agent shares: the libsodium wallet and the JSON storage registered as Credo's Wallet and
// StorageService, a quiet logger, and WebSocket transports.
const { Agent, ConsoleLogger, InjectionSymbols, LogLevel, WsOutboundTransport } = require('@credo-ts/core')
const { agentDependencies } = require('@credo-ts/node')
const { SodiumWallet } = require('./wallet')
const { JsonStorageService } = require('./storage')

/** A Credo module that registers a wallet and a storage service on one backing. */
function testWalletModule(backing) {
  const wallet = new SodiumWallet(backing)
  const storage = new JsonStorageService(backing)
  return {
    register(dependencyManager) {
      dependencyManager.registerInstance(InjectionSymbols.Wallet, wallet)
      dependencyManager.registerInstance(InjectionSymbols.StorageService, storage)
    },
  }
}

const logLevel = () => LogLevel[process.env.CREDO_LOG_LEVEL ?? 'error'] ?? LogLevel.error

/** A new agent: `modules` are Credo's, `backing` holds its keys and records. */
function createAgent({ label, backing, endpoints, modules }) {
  const agent = new Agent({
    config: {
      label,
      walletConfig: { id: label, key: label },
      endpoints,
      logger: new ConsoleLogger(logLevel()),
    },
    dependencies: agentDependencies,
    modules: { ...modules, testWallet: testWalletModule(backing) },
  })
  agent.registerOutboundTransport(new WsOutboundTransport())
  return agent
}

module.exports = { createAgent }
