import { env, loadConfig } from '@gongkai/runtime';

/** What `npm start` can be told through the environment; every default runs on one laptop. */
export const hubVariables = {
  HUB_STATE_DIR: env.string({ default: '.hub', doc: 'folder for broker data, logs and the running hub state' }),
  HUB_KAFKA_PORT: env.port({ default: 9092, doc: 'client port of the local broker; the controller takes the next one' }),
  HUB_GATEWAY_PORT: env.port({ default: 50051, doc: 'gRPC port of the gateway' }),
  HUB_REVIEW_PORT: env.port({ default: 50052, doc: "gRPC port of the review service's operator API" }),
  HUB_SANDBOX_WEBSITE_PORT: env.port({ default: 8081, doc: 'port of the sandbox government website (its CMS API and the pages visitors see)' }),
  HUB_SANDBOX_CONTROL_PORT: env.port({ default: 8089, doc: 'port of the sandbox control API (inject faults, read what it received)' }),
  HUB_KAFKA_BROKERS: env.hostPorts({ optional: true, doc: 'use this Kafka instead of starting a local broker' }),
};

export type HubConfig = ReturnType<typeof loadHubConfig>;

export function loadHubConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(hubVariables, environment);
}
