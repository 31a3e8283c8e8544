/**
 * A small, conservative reader of Engram's SQL that answers one question per statement: when it
 * touches two or more tenant-owned relations (a join, a correlated subquery, an INSERT … SELECT),
 * are they all tied to one tenant through `tenant_id` equalities? Not a SQL parser: it finds
 * relation references (`FROM|JOIN|UPDATE|INTO|USING name [AS] alias`) and equalities on
 * tenant columns, and links aliases through them, through the tenant column of an INSERT's
 * column list, and through the first select-list item of a subquery or CTE that exposes a
 * tenant column. What it cannot link it reports, so a statement it does not understand fails
 * the test rather than passing it.
 */

export interface TenantRelations {
  /** relation name → its tenant column (`tenant_id`; `id` for `tenants` itself). */
  tenantColumn: Map<string, string>;
}

export interface TenantJoinFinding {
  statement: string;
  problem: string;
}

const RESERVED = new Set(
  (
    'where on join left right inner outer full cross natural lateral set values select group order limit ' +
    'offset having window using returning union except intersect do default for when then loop as and or ' +
    'not is in into from with on conflict'
  ).split(' '),
);

/** Statements of a snapshot file: split on `;` (also inside function bodies), comments dropped. */
export function statementsOf(sql: string): string[] {
  return (
    sql
      .split('\n')
      .map((line) => line.replace(/--.*$/, ''))
      .join('\n')
      .split(';')
      // "api_keys" and api_keys are one relation (the erasure quotes its table names).
      .map((statement) =>
        statement
          .replace(/"([a-z_][a-z0-9_]*)"/g, '$1')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .filter((statement) => statement !== '')
  );
}

interface Reference {
  relation: string;
  alias: string;
  at: number;
}

/** Names the statement defines as CTEs (`name AS [NOT] [MATERIALIZED] (`). */
function cteNames(statement: string): Set<string> {
  return new Set(
    [...statement.matchAll(/(?:\bWITH|,)\s+([a-z_][a-z0-9_]*)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(/gi)].map((m) =>
      m[1].toLowerCase(),
    ),
  );
}

/** Every relation reference; `tenantOwned` keeps those of tenant-owned relations (not CTEs). */
function allReferences(statement: string): Reference[] {
  const found: Reference[] = [];
  const pattern =
    /\b(?:FROM|JOIN|UPDATE|INTO|USING)\s+(?:ONLY\s+)?([a-z_][a-z0-9_]*)\b(?!\()(?:\s+(?:AS\s+)?([a-z_][a-z0-9_]*))?/gi;
  for (const match of statement.matchAll(pattern)) {
    const relation = match[1].toLowerCase();
    const alias = match[2] && !RESERVED.has(match[2].toLowerCase()) ? match[2].toLowerCase() : relation;
    found.push({ relation, alias, at: match.index });
  }
  return found;
}

function references(statement: string, relations: TenantRelations): Reference[] {
  const ctes = cteNames(statement);
  return allReferences(statement).filter((ref) => relations.tenantColumn.has(ref.relation) && !ctes.has(ref.relation));
}

/** The index of the parenthesis closing the one at `open`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') {
      depth++;
    } else if (text[i] === ')') {
      depth--;
      if (depth === 0) {
        return i;
      }
    }
  }
  return text.length;
}

/** Top-level comma-separated items of `text` (parentheses respected). */
function items(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') {
      depth++;
    } else if (text[i] === ')') {
      depth--;
    } else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** The first top-level select list of `body` (a SELECT, or a DML statement's RETURNING). */
function selectList(body: string): string[] | undefined {
  const start = /^\s*(?:SELECT(?:\s+DISTINCT)?\s+)/i.exec(body) ?? /\bRETURNING\s+/i.exec(body);
  if (!start) {
    return undefined;
  }
  const rest = body.slice(start.index + start[0].length);
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '(') {
      depth++;
    } else if (rest[i] === ')') {
      depth--;
    } else if (depth === 0 && /^\s(FROM|WHERE|GROUP|ORDER|LIMIT|UNION)\b/i.test(rest.slice(i, i + 7))) {
      return items(rest.slice(0, i));
    }
  }
  return items(rest);
}

/** `body` cut before each top-level UNION [ALL]; the pieces concatenate back to `body`. */
function topLevelUnionBranches(body: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') {
      depth++;
    } else if (body[i] === ')') {
      depth--;
    } else if (depth === 0 && i > start) {
      const union = /^ UNION(?: ALL)? /i.exec(body.slice(i, i + 11));
      if (union) {
        branches.push(body.slice(start, i + union[0].length));
        start = i + union[0].length;
        i = start - 1;
      }
    }
  }
  branches.push(body.slice(start));
  return branches;
}

class Links {
  private parent = new Map<string, string>();
  readonly nodes = new Set<string>();
  find(node: string): string {
    const up = this.parent.get(node) ?? node;
    if (up === node) {
      return node;
    }
    const root = this.find(up);
    this.parent.set(node, root);
    return root;
  }
  link(a: string, b: string): void {
    this.nodes.add(a).add(b);
    this.parent.set(this.find(a), this.find(b));
  }
}

/** How many tenant-owned relation references (distinct aliases) a statement makes. */
export function tenantRelationCount(statement: string, relations: TenantRelations): number {
  return new Set(references(statement, relations).map((ref) => ref.alias)).size;
}

export function checkTenantJoins(statement: string, relations: TenantRelations): string | undefined {
  const refs = references(statement, relations);
  if (new Set(refs.map((ref) => ref.alias)).size < 2) {
    return undefined; // one tenant-owned relation: nothing is joined
  }
  const aliasRelation = new Map(refs.map((ref) => [ref.alias, ref.relation]));
  const links = new Links();
  // `FROM doomed d`: the alias stands for the CTE's tenant.
  const ctes = cteNames(statement);
  for (const ref of allReferences(statement)) {
    if (ctes.has(ref.relation) && ref.alias !== ref.relation) {
      links.link(`alias:${ref.alias}`, `alias:${ref.relation}`);
    }
  }
  /** The tenant a term denotes: an alias's tenant column, a bind parameter, a variable. */
  const term = (raw: string, at: number, scope?: [number, number]): string | undefined => {
    const text = raw.trim().toLowerCase();
    const qualified = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(text);
    if (qualified) {
      const [, alias, column] = qualified;
      const relation = aliasRelation.get(alias);
      if (column === (relation ? relations.tenantColumn.get(relation) : 'tenant_id')) {
        return `alias:${alias}`;
      }
      return undefined;
    }
    if (/^[a-z_][a-z0-9_]*$/.test(text)) {
      // Unqualified: in a select list, the first relation of its own query; elsewhere the
      // nearest relation referenced before it (`FROM t WHERE tenant_id = $1`). Either way a
      // tenant's column only if it is that relation's tenant column.
      const ref = scope ? refs.find((r) => r.at >= scope[0] && r.at < scope[1]) : refs.filter((r) => r.at < at).pop();
      return ref && relations.tenantColumn.get(ref.relation) === text ? `alias:${ref.alias}` : undefined;
    }
    if (/^\$\d+(::\w+)?$/.test(text)) {
      return `param:${text.replace(/::\w+$/, '')}`;
    }
    return undefined;
  };

  // Equalities: a.tenant_id = b.tenant_id, a.tenant_id = $1, tenant_id = p_tenant, …
  for (const match of statement.matchAll(/([\w.$:]+)\s*=\s*([\w.$:]+)/g)) {
    const left = term(match[1], match.index);
    const right = term(match[2], match.index);
    const leftTenant = left ?? (/tenant/i.test(match[1]) ? `value:${match[1].toLowerCase()}` : undefined);
    const rightTenant = right ?? (/tenant/i.test(match[2]) ? `value:${match[2].toLowerCase()}` : undefined);
    if ((left || right) && leftTenant && rightTenant) {
      links.link(leftTenant, rightTenant);
    }
  }
  // INSERT INTO t [AS a] (…, tenant_id, …) SELECT|VALUES (…, x, …): a's tenant is x.
  for (const match of statement.matchAll(
    /\bINSERT INTO ([a-z_][a-z0-9_]*)(?: AS ([a-z_][a-z0-9_]*))? \(([^)]*)\) (SELECT (?:DISTINCT )?|VALUES \()/gi,
  )) {
    const relation = match[1].toLowerCase();
    const column = relations.tenantColumn.get(relation);
    const position = match[3]
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .indexOf(column ?? 'tenant_id');
    const after = match.index + match[0].length;
    const values = match[4].toUpperCase().startsWith('VALUES')
      ? items(statement.slice(after, closing(statement, after - 1)))
      : selectList(statement.slice(after - match[4].length));
    const source = position >= 0 && values?.[position] !== undefined ? values[position] : undefined;
    const sourceTerm = source ? term(source.replace(/\s+AS\s+\w+$/i, ''), after, [after, statement.length]) : undefined;
    if (column && sourceTerm) {
      links.link(`alias:${(match[2] ?? relation).toLowerCase()}`, sourceTerm);
    }
  }
  // (SELECT x.tenant_id, …) alias   and   name AS [MATERIALIZED] (SELECT|INSERT … RETURNING …)
  for (let open = statement.indexOf('('); open >= 0; open = statement.indexOf('(', open + 1)) {
    const close = closing(statement, open);
    const body = statement.slice(open + 1, close);
    const after = /^\)\s+(?:AS\s+)?([a-z_][a-z0-9_]*)/i.exec(statement.slice(close));
    const cte = /([a-z_][a-z0-9_]*)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?$/i.exec(statement.slice(0, open));
    const name = cte?.[1] ?? (after && !RESERVED.has(after[1].toLowerCase()) ? after[1] : undefined);
    if (!name) {
      continue;
    }
    // Each branch of a UNION lines its columns up with the first: the name stands for all of them.
    let offset = open + 1;
    for (const branch of topLevelUnionBranches(body)) {
      const scope: [number, number] = [offset, offset + branch.length];
      offset += branch.length;
      for (const item of selectList(branch) ?? []) {
        const bare = item.replace(/\s+AS\s+tenant_id$/i, '');
        const exposed = item === bare ? /(^|\.)tenant_id$/i.test(item) || item.endsWith('.*') : true;
        const itemTerm = item.endsWith('.*')
          ? `alias:${item.slice(0, -2).toLowerCase()}`
          : exposed
            ? term(bare, scope[0], scope)
            : undefined;
        if (itemTerm) {
          links.link(`alias:${name.toLowerCase()}`, itemTerm);
          break;
        }
      }
    }
  }

  const groups = new Map<string, string[]>();
  for (const alias of new Set(refs.map((ref) => ref.alias))) {
    const root = links.find(`alias:${alias}`);
    groups.set(root, [...(groups.get(root) ?? []), `${aliasRelation.get(alias)} ${alias}`]);
  }
  if (groups.size > 1) {
    return `relations not tied to one tenant: ${[...groups.values()].map((group) => `{${group.join(', ')}}`).join(' ')}`;
  }
  // Tied together, but to two bind parameters: nothing says they carry the same tenant.
  const root = [...groups.keys()][0];
  const params = [...links.nodes].filter((node) => node.startsWith('param:') && links.find(node) === root);
  if (params.length > 1) {
    return `relations tied to different parameters: ${params.map((param) => param.slice(6)).join(', ')}`;
  }
  return undefined;
}
