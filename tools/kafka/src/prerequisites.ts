import { spawnSync } from 'node:child_process';
import { LocalKafkaError } from './errors';

/** The Java the broker needs: 17 or newer (Kafka 4.x brokers require Java 17). */
export function checkJava(java = javaCommand()): { version: number } {
  const out = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    throw new LocalKafkaError(
      'JAVA_MISSING',
      `Java 17 or newer is needed to run the local Kafka broker, and '${java}' could not be run ` +
        `(${out.error?.message ?? `exit ${String(out.status)}`}). Install it (Debian: apt-get install openjdk-17-jre-headless) ` +
        'or set JAVA_HOME.',
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(out.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (!(major >= 17)) {
    throw new LocalKafkaError('JAVA_MISSING', `Java 17 or newer is needed; '${java} -version' says: ${out.stderr.split('\n')[0] ?? ''}`);
  }
  return { version: major };
}

/** Maven fetches the broker's jars from Maven Central, once; later runs use the cache. */
export function checkMaven(): void {
  const out = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    throw new LocalKafkaError(
      'MAVEN_MISSING',
      'Maven is needed once, to fetch the Apache Kafka jars from Maven Central, and `mvn -v` could not be run ' +
        `(${out.error?.message ?? `exit ${String(out.status)}`}). Install it (Debian: apt-get install maven).`,
    );
  }
}

export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
}
