/**
 * Event content comes from JSON, but zod reads inherited properties too; only a plain
 * object's own keys count as content.
 */

export type PlainRecord = Readonly<Record<string, unknown>>;

export function isPlainRecord(value: unknown): value is PlainRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** An own property, never one from the prototype chain. */
export function ownValue(record: PlainRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
