/**
 * SQL that breaks one rule of the migrated schema. Each builder reads the
 * object's current definition from the catalog where it can (so a mutant
 * follows the migrations instead of copying them) and raises if the text it
 * means to change is not there: a mutant that changes nothing must fail the
 * gate, not survive it.
 */

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** ALTER TABLE ... DROP CONSTRAINT; `cascade` also drops what depends on it (FKs on a key). */
export const dropConstraint = (table: string, name: string, cascade = false) =>
  `ALTER TABLE "${table}" DROP CONSTRAINT "${name}"${cascade ? ' CASCADE' : ''}`;

/** Re-creates a constraint with `from` replaced by `to` in pg_get_constraintdef(). */
export const redefineConstraint = (table: string, name: string, from: string, to: string) => `DO $mutant$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint
   WHERE conname = ${literal(name)} AND conrelid = ${literal(`public.${table}`)}::regclass;
  IF def IS NULL OR position(${literal(from)} IN def) = 0 THEN
    RAISE EXCEPTION 'mutant: % of ${name} does not contain %', coalesce(def, 'definition'), ${literal(from)};
  END IF;
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', ${literal(table)}, ${literal(name)});
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', ${literal(table)}, ${literal(name)}, replace(def, ${literal(from)}, ${literal(to)}));
END
$mutant$`;

export const dropIndex = (name: string) => `DROP INDEX "${name}"`;

/** Re-creates an index with `from` replaced by `to` in pg_get_indexdef(). */
export const redefineIndex = (name: string, from: string, to: string) => `DO $mutant$
DECLARE def text;
BEGIN
  def := pg_get_indexdef(${literal(`public.${name}`)}::regclass);
  IF position(${literal(from)} IN def) = 0 THEN
    RAISE EXCEPTION 'mutant: % does not contain %', def, ${literal(from)};
  END IF;
  EXECUTE format('DROP INDEX %I', ${literal(name)});
  EXECUTE replace(def, ${literal(from)}, ${literal(to)});
END
$mutant$`;

export const dropTrigger = (table: string, name: string) => `DROP TRIGGER "${name}" ON "${table}"`;

/** Re-creates a trigger with `from` replaced by `to` in pg_get_triggerdef(). */
export const redefineTrigger = (table: string, name: string, from: string, to: string) => `DO $mutant$
DECLARE def text;
BEGIN
  SELECT pg_get_triggerdef(oid) INTO def FROM pg_trigger
   WHERE tgname = ${literal(name)} AND tgrelid = ${literal(`public.${table}`)}::regclass;
  IF def IS NULL OR position(${literal(from)} IN def) = 0 THEN
    RAISE EXCEPTION 'mutant: % of ${name} does not contain %', coalesce(def, 'definition'), ${literal(from)};
  END IF;
  EXECUTE format('DROP TRIGGER %I ON %I', ${literal(name)}, ${literal(table)});
  EXECUTE replace(def, ${literal(from)}, ${literal(to)});
END
$mutant$`;

/** CREATE OR REPLACE of a function with `from` replaced by `to` in pg_get_functiondef(). */
export const rewriteFunction = (name: string, from: string, to: string) => `DO $mutant$
DECLARE def text;
BEGIN
  def := pg_get_functiondef(${literal(`public.${name}`)}::regproc);
  IF position(${literal(from)} IN def) = 0 THEN
    RAISE EXCEPTION 'mutant: function ${name} does not contain %', ${literal(from)};
  END IF;
  EXECUTE replace(def, ${literal(from)}, ${literal(to)});
END
$mutant$`;

export const dropPolicy = (table: string, name: string) => `DROP POLICY "${name}" ON "${table}"`;

/**
 * A policy's USING or WITH CHECK made `true`: the policy still exists and now
 * admits every row, the way a mistyped expression would. Raises if the policy
 * is missing or the expression is `true` already.
 */
export const widenPolicy = (table: string, name: string, clause: 'USING' | 'WITH CHECK') => `DO $mutant$
DECLARE expr text;
BEGIN
  SELECT pg_get_expr(${clause === 'USING' ? 'polqual' : 'polwithcheck'}, polrelid) INTO expr FROM pg_policy
   WHERE polname = ${literal(name)} AND polrelid = ${literal(`public.${table}`)}::regclass;
  IF expr IS NULL OR expr = 'true' THEN
    RAISE EXCEPTION 'mutant: policy ${name} has no ${clause} expression to widen (%)', coalesce(expr, 'none');
  END IF;
  EXECUTE format('ALTER POLICY %I ON %I ${clause} (true)', ${literal(name)}, ${literal(table)});
END
$mutant$`;

/**
 * A definer function's `SET search_path` changed (`to` a list) or removed
 * (`to` null, RESET). Raises unless the function is SECURITY DEFINER with a
 * pinned search_path now.
 */
export const repinSearchPath = (signature: string, to: string | null) => `DO $mutant$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE oid = ${literal(`public.${signature}`)}::regprocedure AND prosecdef
                 AND EXISTS (SELECT 1 FROM unnest(proconfig) c WHERE c LIKE 'search\\_path=%')) THEN
    RAISE EXCEPTION 'mutant: ${signature} is not a definer function with a pinned search_path';
  END IF;
  EXECUTE ${literal(`ALTER FUNCTION public.${signature} ${to === null ? 'RESET search_path' : `SET search_path = ${to}`}`)};
END
$mutant$`;
