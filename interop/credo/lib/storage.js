'use strict'
// A Credo 0.5 StorageService over a Backing (memory or a shared JSON file): records as JSON with their tags,
// queries with $and/$or/$not, array tags and boolean tags as Askar stores them.
const { JsonTransformer, RecordDuplicateError, RecordNotFoundError } = require('@credo-ts/core')

const keyOf = (type, id) => `${type}:${id}`
const normalise = (value) => (typeof value === 'boolean' ? (value ? '1' : '0') : value)

function tagMatches(actual, wanted) {
  if (Array.isArray(wanted)) return Array.isArray(actual) && wanted.every((w) => actual.includes(w))
  if (Array.isArray(actual)) return actual.includes(wanted)
  return normalise(actual) === normalise(wanted)
}

function matches(tags, query) {
  const { $and, $or, $not, ...simple } = query
  for (const [name, wanted] of Object.entries(simple)) {
    if (wanted === undefined) continue
    if (wanted === null ? tags[name] !== undefined : !tagMatches(tags[name], wanted)) return false
  }
  if ($and && !$and.every((q) => matches(tags, q))) return false
  if ($or && $or.length > 0 && !$or.some((q) => matches(tags, q))) return false
  if ($not && matches(tags, $not)) return false
  return true
}

class JsonStorageService {
  constructor(backing) {
    this.backing = backing
  }

  entry(record) {
    return { type: record.type, id: record.id, value: JsonTransformer.toJSON(record), tags: record.getTags() }
  }

  async save(agentContext, record) {
    record.updatedAt = new Date()
    const entry = this.entry(record)
    this.backing.update((data) => {
      const key = keyOf(record.type, record.id)
      if (data.records[key]) throw new RecordDuplicateError(`record with id ${record.id} already exists`, { recordType: record.type })
      data.records[key] = entry
    })
  }

  async update(agentContext, record) {
    record.updatedAt = new Date()
    const entry = this.entry(record)
    this.backing.update((data) => {
      const key = keyOf(record.type, record.id)
      if (!data.records[key]) throw new RecordNotFoundError(`record with id ${record.id} not found`, { recordType: record.type })
      data.records[key] = entry
    })
  }

  async delete(agentContext, record) {
    await this.deleteById(agentContext, record.constructor, record.id)
  }

  async deleteById(agentContext, recordClass, id) {
    this.backing.update((data) => {
      const key = keyOf(recordClass.type, id)
      if (!data.records[key]) throw new RecordNotFoundError(`record with id ${id} not found`, { recordType: recordClass.type })
      delete data.records[key]
    })
  }

  async getById(agentContext, recordClass, id) {
    const entry = this.backing.read().records[keyOf(recordClass.type, id)]
    if (!entry) throw new RecordNotFoundError(`record with id ${id} not found`, { recordType: recordClass.type })
    return JsonTransformer.fromJSON(entry.value, recordClass)
  }

  async getAll(agentContext, recordClass) {
    return this.findByQuery(agentContext, recordClass, {})
  }

  async findByQuery(agentContext, recordClass, query, queryOptions = {}) {
    const found = Object.values(this.backing.read().records)
      .filter((entry) => entry.type === recordClass.type && matches(entry.tags, query))
    const offset = queryOptions.offset ?? 0
    const end = queryOptions.limit === undefined ? undefined : offset + queryOptions.limit
    return found.slice(offset, end).map((entry) => JsonTransformer.fromJSON(entry.value, recordClass))
  }
}

module.exports = { JsonStorageService }
