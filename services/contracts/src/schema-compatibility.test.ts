import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkEvolution, describeProblem } from './schema-compatibility';
import { getDefaultRegistry, SCHEMAS_DIR, SchemaRegistry, type SchemaSource } from './schema-registry';
import { sampleEvents } from './testing/sample-events';

interface FieldSchema {
  name: string;
  type: unknown;
  default?: unknown;
  doc?: string;
}
interface RecordSchema {
  fields: FieldSchema[];
  [key: string]: unknown;
}

function read(file: string): RecordSchema {
  return JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as RecordSchema;
}

/** The repository's schemas plus a v3 of document.published made from v2 by `change`. */
function withV3(change: (schema: RecordSchema) => void): SchemaRegistry {
  const registry = getDefaultRegistry();
  const sources: SchemaSource[] = [];
  for (const eventType of registry.eventTypes) {
    for (const v of registry.versions(eventType)) sources.push({ eventType, version: v.version, schema: v.schema });
  }
  const v3 = read('document.published/v2.avsc');
  change(v3);
  sources.push({ eventType: 'document.published', version: 3, schema: v3 });
  return SchemaRegistry.fromSources(sources);
}

function field(schema: RecordSchema, name: string): FieldSchema {
  const found = schema.fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
}

describe('schema evolution', () => {
  it('every version of every schema reads the previous one and is read by it', () => {
    const problems = checkEvolution(getDefaultRegistry());
    expect(problems.map(describeProblem)).toEqual([]);
  });

  it('document.published v2 reads v1 data with its defaults, and v1 reads v2 data', () => {
    const [v1, v2] = getDefaultRegistry().versions('document.published');
    const data = sampleEvents()['document.published'];
    const v1Bytes = v1!.type.toBuffer(data);
    const v2Bytes = v2!.type.toBuffer(data);

    expect(v2!.type.fromBuffer(v1Bytes, v2!.type.createResolver(v1!.type))).toEqual({ ...data, supersedes: null, keywords: [] });
    const read = v1!.type.fromBuffer(v2Bytes, v1!.type.createResolver(v2!.type)) as Record<string, unknown>;
    expect(read.title).toBe(data.title);
    expect(read).not.toHaveProperty('keywords');
  });

  it('passes a compatible change: a new optional field with a default', () => {
    const registry = withV3((s) => s.fields.push({ name: 'language', type: 'string', default: 'zh-CN', doc: 'Language.' }));
    expect(checkEvolution(registry)).toEqual([]);
  });

  it('catches a field added without a default, naming schema and field', () => {
    const registry = withV3((s) => s.fields.push({ name: 'issuingCity', type: 'string', doc: 'City.' }));
    const problems = checkEvolution(registry);

    expect(problems).toContainEqual(
      expect.objectContaining({ eventType: 'document.published', readerVersion: 3, writerVersion: 2, field: 'issuingCity' }),
    );
    // The current version must read every earlier one, so v1 data is checked too.
    expect(problems).toContainEqual(expect.objectContaining({ readerVersion: 3, writerVersion: 1, field: 'issuingCity' }));
    expect(problems.every((p) => p.readerVersion === 3)).toBe(true);
    expect(describeProblem(problems[0]!)).toMatch(/^document\.published v3 cannot read v\d: field issuingCity: /);
  });

  it('catches a field removed that older readers need', () => {
    const registry = withV3((s) => {
      s.fields = s.fields.filter((f) => f.name !== 'indexNumber');
    });
    expect(checkEvolution(registry)).toContainEqual(
      expect.objectContaining({ readerVersion: 2, writerVersion: 3, field: 'indexNumber' }),
    );
  });

  it('catches a changed type deep inside an array of records', () => {
    const registry = withV3((s) => {
      const items = (field(s, 'attachments').type as { items: RecordSchema }).items;
      field(items, 'size').type = 'string';
    });
    const fields = checkEvolution(registry).map((p) => p.field);
    expect(fields).toContain('attachments[].size');
  });

  it('catches an enum symbol dropped from an enum without a default', () => {
    const registry = withV3((s) => {
      const status = field((field(s, 'validity').type as RecordSchema), 'status').type as Record<string, unknown>;
      status.symbols = ['UNKNOWN', 'VALID', 'EXPIRED'];
      delete status.default;
    });
    const problem = checkEvolution(registry).find((p) => p.field === 'validity.status');
    expect(problem).toMatchObject({ readerVersion: 3, writerVersion: 2 });
    expect(problem?.reason).toMatch(/REPEALED/);
  });

  it('catches a renamed record', () => {
    const registry = withV3((s) => {
      s.name = 'DocumentIssued';
    });
    expect(checkEvolution(registry)).toContainEqual(expect.objectContaining({ field: '(root)', readerVersion: 3 }));
  });
});
