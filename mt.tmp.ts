import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
let t = Date.now();
const c = new PGlite(); await c.waitReady; console.log('boot', Date.now()-t); t=Date.now();
await migrate(drizzle(c), { migrationsFolder: 'migrations' }); console.log('migrate', Date.now()-t); t=Date.now();
const d = await c.dumpDataDir('none'); console.log('dump', Date.now()-t); t=Date.now();
await c.close();
const c2 = new PGlite({ loadDataDir: d }); await c2.waitReady; console.log('load', Date.now()-t); t=Date.now();
