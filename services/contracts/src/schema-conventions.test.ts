/**
 * The conventions of `schemas/README.md`, checked on every version of every schema, so a
 * new schema cannot quietly lack a doc, a default or a logical type.
 */
import { getDefaultRegistry } from './schema-registry';

type Json = Record<string, unknown>;

interface Finding {
  where: string;
  problem: string;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function logicalType(type: unknown): string | undefined {
  return isObject(type) && typeof type.logicalType === 'string' ? type.logicalType : undefined;
}

function checkType(type: unknown, where: string, out: Finding[]): void {
  if (Array.isArray(type)) {
    for (const branch of type) checkType(branch, where, out);
    return;
  }
  if (!isObject(type)) return;
  if (type.type === 'record') {
    if (typeof type.doc !== 'string' || type.doc.length === 0) out.push({ where, problem: 'record without doc' });
    for (const field of type.fields as Json[]) checkField(field, `${where}.${String(field.name)}`, out);
  } else if (type.type === 'enum') {
    if (typeof type.doc !== 'string') out.push({ where, problem: 'enum without doc' });
    const symbols = type.symbols as string[];
    if (symbols[0] !== 'UNKNOWN' || type.default !== 'UNKNOWN') {
      out.push({ where, problem: 'enum must start with UNKNOWN and default to it' });
    }
  } else if (type.type === 'array') {
    checkType(type.items, `${where}[]`, out);
  } else if (type.type === 'map') {
    checkType(type.values, `${where}{}`, out);
  }
}

function checkField(field: Json, where: string, out: Finding[]): void {
  const name = String(field.name);
  const type = field.type;
  if (typeof field.doc !== 'string' || field.doc.trim().length === 0) out.push({ where, problem: 'field without doc' });

  const nullable = Array.isArray(type);
  if (nullable) {
    if (type.length !== 2 || type[0] !== 'null' || field.default !== null) {
      out.push({ where, problem: 'an optional field is ["null", T] with default null' });
    }
  }
  const value: unknown = nullable ? (type as unknown[])[1] : type;

  if (name.endsWith('At') && logicalType(value) !== 'timestamp-millis') {
    out.push({ where, problem: 'names ending in At are timestamp-millis' });
  }
  if (name.endsWith('On') && logicalType(value) !== 'date') {
    out.push({ where, problem: 'names ending in On are dates' });
  }
  if (logicalType(value) === 'timestamp-millis' && !name.endsWith('At')) {
    out.push({ where, problem: 'a timestamp is named …At' });
  }
  if (logicalType(value) === 'date' && !name.endsWith('On')) {
    out.push({ where, problem: 'a date is named …On' });
  }
  if (name.endsWith('Fen') && value !== 'long') out.push({ where, problem: 'money in fen is a long' });
  if (isObject(value) && value.type === 'array' && !(Array.isArray(field.default) && field.default.length === 0)) {
    out.push({ where, problem: 'an array defaults to empty' });
  }
  if (isObject(value) && value.type === 'map' && !(isObject(field.default) && Object.keys(field.default).length === 0)) {
    out.push({ where, problem: 'a map defaults to empty' });
  }
  checkType(type, where, out);
}

describe('schema conventions', () => {
  const registry = getDefaultRegistry();
  const all = registry.eventTypes.flatMap((t) => registry.versions(t));

  it.each(all.map((v) => [v.file, v]))('%s follows the conventions', (_file, version) => {
    const findings: Finding[] = [];
    checkType(version.schema, version.eventType, findings);
    expect(findings).toEqual([]);
  });

  it('the convention check finds a field without doc and a timestamp stored as a bare long', () => {
    const findings: Finding[] = [];
    checkType(
      {
        type: 'record',
        name: 'Bad',
        doc: 'x',
        fields: [{ name: 'sentAt', type: 'long' }],
      },
      'bad',
      findings,
    );
    expect(findings.map((f) => f.problem)).toEqual(['field without doc', 'names ending in At are timestamp-millis']);
  });

  it('the personal data of a request is marked so in the schema', () => {
    const schema = registry.latest('request.status_changed').schema as { fields: Json[] };
    const applicant = schema.fields.find((f) => f.name === 'applicant');
    expect(String(applicant?.doc)).toContain('PERSONAL DATA');
  });
});
