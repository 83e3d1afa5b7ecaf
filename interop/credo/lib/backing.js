'use strict'
// Where a test agent keeps its keys and records: in memory, or in a JSON file that several mediator processes
// share (standing in for the shared database of a real multi-instance deployment) and that outlives a restart.
const fs = require('fs')
const path = require('path')

const empty = () => ({ keys: {}, records: {} })

/** Keys and records in this process only. */
class MemoryBacking {
  constructor() {
    this.data = empty()
  }

  read() {
    return this.data
  }

  update(change) {
    return change(this.data)
  }
}

const LOCK_ATTEMPTS = 2000 // x 5 ms: a writer waits at most 10 s for another process's lock
const STALE_LOCK_MS = 3000 // a lock older than this was left by a killed process

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Keys and records in one JSON file, read afresh on every access so that every process sharing it sees the
 * others' writes. A write takes a lock directory, re-reads, changes and renames a temporary file into place.
 */
class FileBacking {
  constructor(file) {
    this.file = path.resolve(file)
    this.lock = `${this.file}.lock`
  }

  read() {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8'))
    } catch (error) {
      if (error.code === 'ENOENT') return empty()
      throw error
    }
  }

  update(change) {
    this.acquire()
    try {
      const data = this.read()
      const result = change(data)
      const tmp = `${this.file}.${process.pid}.tmp`
      fs.writeFileSync(tmp, JSON.stringify(data))
      fs.renameSync(tmp, this.file)
      return result
    } finally {
      fs.rmSync(this.lock, { recursive: true, force: true })
    }
  }

  acquire() {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      try {
        fs.mkdirSync(this.lock)
        return
      } catch (error) {
        if (error.code !== 'EEXIST') throw error
        try {
          if (Date.now() - fs.statSync(this.lock).mtimeMs > STALE_LOCK_MS) fs.rmSync(this.lock, { recursive: true, force: true })
        } catch (ignored) {
          // the holder released it meanwhile
        }
        sleepSync(5)
      }
    }
    throw new Error(`could not lock ${this.file} within ${(LOCK_ATTEMPTS * 5) / 1000} s`)
  }
}

module.exports = { MemoryBacking, FileBacking }
