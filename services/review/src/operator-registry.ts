/**
 * Who may call the review API: operators, each with a bearer token (only its SHA-256 is
 * stored) and roles, loaded once at start-up from a YAML file (see
 * `deploy/dev/operators.yaml`). The operator's id is what a decision records as `decidedBy`.
 */
import { readFileSync } from 'node:fs';
import { TOKEN_SHA256_PATTERN, TokenRegistry, bearerTokenOf } from '@gongkai/runtime';
import { OperatorRegistryError, PermissionDeniedError, UnauthenticatedError } from './errors';
import { YamlConfigReader } from './yaml-config-reader';

/**
 * Roles an operator may have. `reviewer` lists held events and decides them (保密审查);
 * `viewer` is for the operator APIs to come and is refused by the review API.
 */
export const OPERATOR_ROLES = ['reviewer', 'viewer'] as const;
/** One of the operators' roles. */
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** `decidedBy` values of decisions no operator makes; no operator may take them as id. */
export const AUTOMATIC_DECIDERS = ['review-gate', 'retraction'] as const;

/** A person allowed to call the review API, as the registry knows them (the token stays out). */
export interface Operator {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly OperatorRole[];
}

/** A registry entry: the operator and the SHA-256 (hex) of their token. */
export interface RegisteredOperator extends Operator {
  readonly tokenSha256: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9.-]{1,62}$/;

/** The operators of one review service, found by the bearer token a call presents. */
export class OperatorRegistry {
  private readonly tokens: TokenRegistry<Operator>;

  constructor(readonly operators: readonly RegisteredOperator[]) {
    this.tokens = new TokenRegistry(operators.map(({ tokenSha256, ...operator }) => [tokenSha256, Object.freeze(operator)] as const));
  }

  /** Reads the registry file; any problem stops start-up with the file, line and reason. */
  static fromFile(file: string): OperatorRegistry {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new OperatorRegistryError(file, undefined, `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
    }
    return OperatorRegistry.parse(text, file);
  }

  /** Parses registry text: a top-level `operators:` list of `{ id, name?, tokenSha256, roles }`. */
  static parse(text: string, file = '<operators>'): OperatorRegistry {
    const reader = YamlConfigReader.parse(text, file, (f, line, reason) => new OperatorRegistryError(f, line, reason));
    const root = reader.mapping(reader.root, 'the file', { allowed: ['operators'], required: ['operators'] });
    const list = root.get('operators')!;
    const items = reader.sequence(list.value, '`operators`', list.keyNode);
    if (items.length === 0) reader.fail(list.value, '`operators` must list at least one operator', list.keyNode);
    const ids = new Set<string>();
    const hashes = new Map<string, string>();
    const operators = items.map((node, i): RegisteredOperator => {
      const what = `operator #${i + 1}`;
      const fields = reader.mapping(node, what, { allowed: ['id', 'name', 'tokenSha256', 'roles'], required: ['id', 'tokenSha256', 'roles'] });
      const idEntry = fields.get('id')!;
      const id = reader.string(idEntry.value, `${what}: \`id\``, idEntry.keyNode);
      if (!ID_PATTERN.test(id)) reader.fail(idEntry.value, `${what}: \`id\` must be 2–63 lowercase letters, digits, dots and dashes`);
      if ((AUTOMATIC_DECIDERS as readonly string[]).includes(id)) reader.fail(idEntry.value, `${what}: \`${id}\` names automatic decisions and cannot be an operator's id`);
      if (ids.has(id)) reader.fail(idEntry.value, `${what}: duplicate id \`${id}\``);
      ids.add(id);

      const nameEntry = fields.get('name');
      const name = nameEntry ? reader.string(nameEntry.value, `${what}: \`name\``, nameEntry.keyNode) : id;

      const hashEntry = fields.get('tokenSha256')!;
      const tokenSha256 = reader.string(hashEntry.value, `${what}: \`tokenSha256\``, hashEntry.keyNode).toLowerCase();
      if (!TOKEN_SHA256_PATTERN.test(tokenSha256)) {
        reader.fail(hashEntry.value, `${what}: \`tokenSha256\` must be 64 hex characters (the token's SHA-256; never the token itself)`);
      }
      const sameToken = hashes.get(tokenSha256);
      if (sameToken !== undefined) reader.fail(hashEntry.value, `${what}: the same token as operator \`${sameToken}\`; each operator needs a token of their own`);
      hashes.set(tokenSha256, id);

      const rolesEntry = fields.get('roles')!;
      const roles = reader.stringList(rolesEntry.value, `${what}: \`roles\``, rolesEntry.keyNode).map(({ value, node: roleNode }) => {
        if (!(OPERATOR_ROLES as readonly string[]).includes(value)) {
          reader.fail(roleNode, `${what}: unknown role \`${value}\` (expected ${OPERATOR_ROLES.map((r) => `\`${r}\``).join(', ')})`);
        }
        return value as OperatorRole;
      });
      return { id, name, tokenSha256, roles: [...new Set(roles)] };
    });
    return new OperatorRegistry(operators);
  }

  /**
   * The operator behind a call's `authorization` metadata (`Bearer <token>`).
   * @throws UnauthenticatedError when it is missing, malformed or not registered.
   */
  authenticate(authorization: string | undefined): Operator {
    if (authorization === undefined) throw new UnauthenticatedError('no credentials: send `authorization: Bearer <token>` metadata');
    const token = bearerTokenOf(authorization);
    if (token === null) throw new UnauthenticatedError('the authorization metadata must be `Bearer <token>`');
    const operator = this.tokens.lookup(token);
    if (!operator) throw new UnauthenticatedError('the bearer token is not registered');
    return operator;
  }

  /** @throws PermissionDeniedError unless the operator has `role`. */
  authorize(operator: Operator, role: OperatorRole): void {
    if (!operator.roles.includes(role)) throw new PermissionDeniedError(operator.id, role);
  }
}
