/**
 * `schemas/asyncapi.yaml` parses without errors, with its Avro payloads resolved, and
 * documents every topic the code names.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { DiagnosticSeverity, fromFile, Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { getDefaultRegistry, SCHEMAS_DIR } from './schema-registry';
import { CHANNELS, deadLetterTopic, TOPICS } from './topics';

const ASYNCAPI_FILE = path.join(SCHEMAS_DIR, 'asyncapi.yaml');

async function parse(file: string): Promise<{ document: AsyncAPIDocumentInterface | undefined; errors: Diagnostic[] }> {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const { document, diagnostics } = await fromFile(parser, file).parse();
  // The parser and spectral each carry a copy of the severity enum; compare the numbers.
  return { document, errors: diagnostics.filter((d) => Number(d.severity) === Number(DiagnosticSeverity.Error)) };
}

describe('AsyncAPI document', () => {
  let document: AsyncAPIDocumentInterface;
  let errors: Diagnostic[];

  beforeAll(async () => {
    const parsed = await parse(ASYNCAPI_FILE);
    errors = parsed.errors;
    if (parsed.document) document = parsed.document;
  }, 30_000);

  it('parses without errors', () => {
    expect(errors.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
  });

  it('documents every topic constant and each channel adapter’s retry and dead-letter topics', () => {
    const addresses = document.channels().all().map((c) => c.address());
    for (const topic of Object.values(TOPICS)) expect(addresses).toContain(topic);
    for (const channel of CHANNELS) {
      expect(addresses).toContain(`${channel}.retry.{tier}`);
      expect(addresses).toContain(deadLetterTopic(channel));
    }
  });

  it('gives every event type a message whose payload is its current schema', () => {
    const registry = getDefaultRegistry();
    const yaml = readFileSync(ASYNCAPI_FILE, 'utf8');
    for (const eventType of registry.eventTypes) {
      const message = document.messages().all().find((m) => m.name() === eventType);
      expect(message).toBeDefined();
      expect(message!.schemaFormat()).toBe('application/vnd.apache.avro+json;version=1.9.0');
      const latest = registry.latest(eventType);
      expect(yaml).toContain(`$ref: './${latest.file}'`);
      // The Avro payload was read and converted: its fields are the schema's.
      const fields = (latest.schema as { fields: { name: string }[] }).fields.map((f) => f.name);
      expect(Object.keys(message!.payload()?.properties() ?? {})).toEqual(fields);
    }
  });

  it('says who writes and who reads each topic', () => {
    const who = (address: string, action: 'send' | 'receive'): string[] =>
      document
        .operations()
        .all()
        .filter((op) => op.action() === action && op.channels().all().some((c) => c.address() === address))
        .map((op) => op.id()!)
        .sort();
    expect(who('disclosure', 'send')).toEqual(['gatewayPublishesDisclosure']);
    expect(who('disclosure', 'receive')).toEqual(['monitorConsumesDisclosure', 'reviewConsumesDisclosure']);
    expect(who('released', 'receive')).toEqual(CHANNELS.map((c) => `${c}ConsumesReleased`).sort());
    expect(who('delivery', 'send')).toEqual(CHANNELS.map((c) => `${c}PublishesDelivery`).sort());
    expect(who('delivery', 'receive')).toEqual(['monitorConsumesDelivery']);
  });

  it('reports an error for a payload that points at a missing schema file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gongkai-asyncapi-'));
    cpSync(SCHEMAS_DIR, dir, { recursive: true });
    const broken = readFileSync(ASYNCAPI_FILE, 'utf8').replace("'./alert.raised/v1.avsc'", "'./alert.raised/v9.avsc'");
    writeFileSync(path.join(dir, 'asyncapi.yaml'), broken);
    const { errors: brokenErrors } = await parse(path.join(dir, 'asyncapi.yaml'));
    expect(brokenErrors.length).toBeGreaterThan(0);
    expect(brokenErrors.map((d) => d.message).join('\n')).toMatch(/v9\.avsc/);
  }, 30_000);
});
