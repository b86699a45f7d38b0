import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalKafkaError } from './errors';
import { checkMaven } from './prerequisites';

/** Kafka version pinned in maven/pom.xml; the cache folder is named after it. */
export const KAFKA_VERSION = '4.1.1';

export const MAVEN_DIR = resolve(__dirname, '..', 'maven');

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HUB_KAFKA_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gongkai-hub', 'kafka');
}

/**
 * The folder of jars to put on the broker's class path, fetched with Maven on first use.
 * The fetch goes to a temporary folder renamed into place at the end, so an interrupted
 * fetch never leaves a half-filled cache that a later run would trust.
 */
export async function ensureJars(cacheDir = defaultCacheDir()): Promise<string> {
  const libs = join(cacheDir, KAFKA_VERSION, 'libs');
  if (existsSync(join(libs, '.complete'))) return libs;
  checkMaven();
  mkdirSync(join(cacheDir, KAFKA_VERSION), { recursive: true });
  const staging = `${libs}.${process.pid}.${Date.now()}`;
  const logFile = join(cacheDir, KAFKA_VERSION, 'fetch.log');
  const fd = openSync(logFile, 'w');
  try {
    const code = await new Promise<number>((done, fail) => {
      const child = spawn(
        'mvn',
        [
          '-B', '-q', '-f', join(MAVEN_DIR, 'pom.xml'),
          'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
          '-DincludeScope=runtime', `-DoutputDirectory=${staging}`,
        ],
        { stdio: ['ignore', fd, fd] },
      );
      child.once('error', fail);
      child.once('exit', (c) => done(c ?? 1));
    });
    if (code !== 0 || !existsSync(staging) || !readdirSync(staging).some((f) => f.startsWith('kafka_2.13-'))) {
      throw new LocalKafkaError('FETCH_FAILED', `Fetching Apache Kafka ${KAFKA_VERSION} jars with Maven failed (exit ${code}); see ${logFile}`, { logFile });
    }
    writeFileSync(join(staging, '.complete'), new Date().toISOString());
    if (existsSync(join(libs, '.complete'))) {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    } else {
      rmSync(libs, { recursive: true, force: true });
      renameSync(staging, libs);
    }
    return libs;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    closeSync(fd);
  }
}
