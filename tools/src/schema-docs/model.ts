import { is, SQL } from 'drizzle-orm';
import { getTableConfig, PgColumn, PgDialect, PgEnumColumn, PgRole, PgTable, isPgEnum, type PgEnum } from 'drizzle-orm/pg-core';

/**
 * The documentation model of a schema, read from the drizzle objects the
 * aggregator composes (the same objects drizzle-kit generates migrations
 * from), so the reference cannot describe a schema the migrations do not.
 */
export interface SchemaDoc {
  domains: DomainDoc[];
  enums: EnumDoc[];
  relationships: RelationshipDoc[];
}

export interface DomainDoc {
  /** Short lib name (`identity`), its folder and package. */
  name: string;
  folder: string;
  packageName: string;
  tables: TableDoc[];
}

export interface TableDoc {
  name: string;
  /** First paragraph of the table's doc comment: why it exists. */
  reason: string;
  columns: ColumnDoc[];
  primaryKey: { name: string; columns: string[] };
  foreignKeys: ForeignKeyDoc[];
  checks: { name: string; expression: string; columns: string[] }[];
  indexes: { name: string; unique: boolean; expression: string; where: string | null; columns: string[] }[];
  uniqueConstraints: { name: string; columns: string[] }[];
  triggers: TriggerDoc[];
  /** Row-level security: on when the table has any policy (the migrations also force it). */
  rowLevelSecurity: boolean;
  policies: { name: string; for: string; to: string[]; using: string | null; withCheck: string | null }[];
}

export interface ColumnDoc {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  /** Short labels of every rule that touches this column, in a stable order. */
  rules: string[];
}

export interface ForeignKeyDoc {
  name: string;
  columns: string[];
  foreignTable: string;
  foreignColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TriggerDoc {
  name: string;
  table: string;
  timing: string;
  events: string;
  level: string;
  call: string;
}

export interface EnumDoc {
  name: string;
  values: readonly string[];
  usedBy: string[];
}

export interface RelationshipDoc {
  parent: string;
  child: string;
  /** Mermaid crow's-foot: `||--o{` (required parent) or `|o--o{` (optional parent). */
  cardinality: string;
  label: string;
}

export interface DomainInput {
  name: string;
  folder: string;
  packageName: string;
  /** The lib's exports; every drizzle table among them belongs to this domain. */
  exports: Record<string, unknown>;
}

export interface SchemaInput {
  /** The composed schema (the aggregator's `schema` export). */
  schema: Record<string, unknown>;
  domains: DomainInput[];
  /** Doc-comment reasons by table name (see sources.ts). */
  reasons?: Record<string, string>;
  /** Triggers from the custom migrations (see sources.ts). */
  triggers?: TriggerDoc[];
}

const dialect = new PgDialect();

/** SQL text of a drizzle SQL chunk as it appears in DDL, without the `"table".` qualifier. */
function sqlText(value: SQL): string {
  return dialect
    .sqlToQuery(value)
    .sql.replace(/"[a-z_]+"\."([a-z_]+)"/g, '$1')
    .replace(/"([a-z_]+)"/g, '$1');
}

/** Column names a SQL chunk refers to. */
function referencedColumns(value: SQL): string[] {
  const names = new Set<string>();
  const visit = (chunk: unknown) => {
    if (is(chunk, PgColumn)) names.add(chunk.name);
    else if (is(chunk, SQL)) chunk.queryChunks.forEach(visit);
    else if (chunk && typeof chunk === 'object' && 'sql' in chunk && is((chunk as { sql: unknown }).sql, SQL))
      visit((chunk as { sql: SQL }).sql);
  };
  visit(value);
  return [...names];
}

function columnDefault(column: PgColumn): string | null {
  if (column.generatedIdentity) return `generated ${column.generatedIdentity.type} as identity`;
  if (!column.hasDefault) return null;
  if (is(column.default, SQL)) return sqlText(column.default);
  if (column.default !== undefined) return typeof column.default === 'string' ? `'${column.default}'` : JSON.stringify(column.default);
  return '(set by the application)';
}

const actionName = (action: string | undefined) => (action ?? 'no action').toUpperCase();

function tableDoc(table: PgTable, reasons: Record<string, string>, triggers: TriggerDoc[]): TableDoc {
  const config = getTableConfig(table);
  const pk = config.primaryKeys[0];
  const primaryKey = pk
    ? { name: pk.getName(), columns: pk.columns.map((c) => c.name) }
    : { name: '', columns: config.columns.filter((c) => c.primary).map((c) => c.name) };
  const foreignKeys = config.foreignKeys.map((fk) => {
    const ref = fk.reference();
    return {
      name: fk.getName(),
      columns: ref.columns.map((c) => c.name),
      foreignTable: getTableConfig(ref.foreignTable).name,
      foreignColumns: ref.foreignColumns.map((c) => c.name),
      onDelete: actionName(fk.onDelete),
      onUpdate: actionName(fk.onUpdate),
    };
  });
  const checks = config.checks.map((c) => ({ name: c.name, expression: sqlText(c.value), columns: referencedColumns(c.value) }));
  const indexes = config.indexes.map((index) => {
    // An index part is an expression (SQL) or a column (with its sort order).
    type IndexPart = { name: string; indexConfig?: { order?: string } };
    const parts = index.config.columns.map((c) =>
      is(c, SQL) ? sqlText(c) : `${(c as IndexPart).name}${(c as IndexPart).indexConfig?.order === 'desc' ? ' DESC' : ''}`,
    );
    const columns = index.config.columns.flatMap((c) => (is(c, SQL) ? referencedColumns(c) : [(c as IndexPart).name]));
    return {
      name: index.config.name ?? '',
      unique: index.config.unique,
      expression: parts.join(', '),
      where: index.config.where ? sqlText(index.config.where) : null,
      columns,
    };
  });
  const uniqueConstraints = config.uniqueConstraints.map((u) => ({ name: u.getName() ?? '', columns: u.columns.map((c) => c.name) }));
  const tableTriggers = triggers.filter((t) => t.table === config.name);

  const columns = config.columns.map((column): ColumnDoc => {
    const rules: string[] = [];
    if (primaryKey.columns.includes(column.name))
      rules.push(primaryKey.columns.length > 1 ? `PK (${primaryKey.columns.join(', ')})` : 'PK');
    for (const fk of foreignKeys) {
      if (fk.columns.includes(column.name)) rules.push(`FK ${fk.name} -> ${fk.foreignTable}, ON DELETE ${fk.onDelete}`);
    }
    for (const u of uniqueConstraints) if (u.columns.includes(column.name)) rules.push(`UNIQUE ${u.name}`);
    for (const index of indexes) {
      if (index.unique && index.columns.includes(column.name)) rules.push(`UNIQUE ${index.name}${index.where ? ' (partial)' : ''}`);
    }
    for (const check of checks) if (check.columns.includes(column.name)) rules.push(`CHECK ${check.name}`);
    for (const trigger of tableTriggers) {
      if (trigger.name.startsWith(`${config.name}_${column.name}_`)) rules.push(`TRIGGER ${trigger.name}`);
    }
    return {
      name: column.name,
      type: column.getSQLType(),
      notNull: column.notNull,
      default: columnDefault(column),
      rules,
    };
  });

  return {
    name: config.name,
    reason: reasons[config.name] ?? '',
    columns,
    primaryKey,
    foreignKeys,
    checks,
    indexes,
    uniqueConstraints,
    triggers: tableTriggers,
    rowLevelSecurity: config.enableRLS || config.policies.length > 0,
    policies: config.policies.map((policy) => ({
      name: policy.name,
      for: (policy.for ?? 'all').toUpperCase(),
      to: (Array.isArray(policy.to) ? policy.to : [policy.to ?? 'public']).map((role) => (is(role, PgRole) ? role.name : String(role))),
      using: policy.using ? sqlText(policy.using) : null,
      withCheck: policy.withCheck ? sqlText(policy.withCheck) : null,
    })),
  };
}

const tablesOf = (values: Record<string, unknown>) => Object.values(values).filter((v): v is PgTable => is(v, PgTable));

/**
 * Builds the model. Every table of the composed schema must belong to one of
 * the domains (the lib that exports it); a table no domain exports is an
 * error, so a new lib cannot slip past the reference.
 */
export function describeSchema(input: SchemaInput): SchemaDoc {
  const reasons = input.reasons ?? {};
  const triggers = input.triggers ?? [];
  const composed = tablesOf(input.schema);
  const owner = new Map<PgTable, string>();
  for (const domain of input.domains) for (const table of tablesOf(domain.exports)) owner.set(table, domain.name);
  const orphans = composed.filter((t) => !owner.has(t)).map((t) => getTableConfig(t).name);
  if (orphans.length)
    throw new Error(`tables with no owning domain lib: ${orphans.join(', ')}; add the lib to the docs tool's domain list`);

  const domains = input.domains.map((domain) => ({
    name: domain.name,
    folder: domain.folder,
    packageName: domain.packageName,
    tables: composed
      .filter((t) => owner.get(t) === domain.name)
      .map((t) => tableDoc(t, reasons, triggers))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
  const tables = domains.flatMap((d) => d.tables);

  const enumObjects = Object.values(input.schema).filter((v): v is PgEnum<[string, ...string[]]> => isPgEnum(v));
  const enums = enumObjects
    .map((e) => ({
      name: e.enumName,
      values: e.enumValues,
      usedBy: composed
        .flatMap((t) =>
          getTableConfig(t)
            .columns.filter((c) => is(c, PgEnumColumn) && c.enum.enumName === e.enumName)
            .map((c) => `${getTableConfig(t).name}.${c.name}`),
        )
        .sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

  const relationships = tables
    .flatMap((child) =>
      child.foreignKeys.map((fk) => {
        const required = fk.columns.every((name) => child.columns.find((c) => c.name === name)?.notNull);
        return {
          parent: fk.foreignTable,
          child: child.name,
          cardinality: required ? '||--o{' : '|o--o{',
          label: `${fk.columns.join(', ')} (${fk.onDelete})`,
        };
      }),
    )
    .sort((a, b) => `${a.parent} ${a.child} ${a.label}`.localeCompare(`${b.parent} ${b.child} ${b.label}`));

  return { domains, enums, relationships };
}
