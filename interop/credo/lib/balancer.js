'use strict'
// A TCP load balancer in front of the mediator instances, as a deployment has one: every agent uses its one
// address, and each new connection goes to the instance the suite points it at. A connection whose instance is
// down or goes away is closed, as a real balancer's would be.
const net = require('net')

class Balancer {
  constructor() {
    this.target = undefined
    this.sockets = new Set()
  }

  /** Listens on a free loopback port; resolves to it. */
  listen() {
    this.server = net.createServer((client) => this.accept(client))
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port))
    })
  }

  /** New connections go to this port from now on. */
  pointAt(port) {
    this.target = port
  }

  accept(client) {
    const upstream = net.connect(this.target, '127.0.0.1')
    for (const socket of [client, upstream]) {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => {})
    }
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  }

  close() {
    for (const socket of this.sockets) socket.destroy()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

module.exports = { Balancer }
