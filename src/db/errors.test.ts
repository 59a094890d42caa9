import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { openDatabase, type Database } from './database.js'
import { isForeignKeyViolation, isUniqueViolation, unlessDuplicate } from './errors.js'
import { dropSchema, testSchemaName } from '../../test/support/pg-schema.js'

/** Two tables of this test's own, so db/ is tested without any module's. */
interface Tables {
  parent: { id: number; code: string }
  child: { id: number; parent_id: number }
}

const url = process.env.TEST_DATABASE_URL
const targets: { name: string; open: () => Promise<Database>; dispose: () => Promise<void> }[] = [
  { name: 'sqlite', open: () => openDatabase('sqlite::memory:'), dispose: () => Promise.resolve() },
]
if (url) {
  const schema = testSchemaName('td_errors')
  targets.push({
    name: 'postgres',
    open: () => openDatabase(url, { schema }),
    dispose: () => dropSchema(url, schema),
  })
}

for (const target of targets) {
  void describe(`constraint violations, recognised in one place [${target.name}]`, () => {
    let database: Database
    let db: Kysely<Tables>
    const caught = (write: Promise<unknown>): Promise<unknown> =>
      write.then(() => undefined).catch((e: unknown) => e)

    before(async () => {
      database = await target.open()
      db = database.db as unknown as Kysely<Tables>
      await db.schema
        .createTable('parent')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .execute()
      await db.schema
        .createTable('child')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('parent_id', 'integer', (c) => c.notNull().references('parent.id'))
        .execute()
      await db.insertInto('parent').values({ id: 1, code: 'A' }).execute()
    })
    after(async () => {
      await database.close()
      await target.dispose()
    })

    test('a second row with a unique value, or with a taken primary key, is a unique violation', async () => {
      for (const values of [
        { id: 2, code: 'A' },
        { id: 1, code: 'B' },
      ]) {
        const err = await caught(db.insertInto('parent').values(values).execute())
        assert.ok(isUniqueViolation(err), String(err))
        assert.ok(!isForeignKeyViolation(err))
      }
    })

    test('a reference to a missing row, or a delete of a referenced one, is a foreign-key violation', async () => {
      const dangling = await caught(db.insertInto('child').values({ id: 1, parent_id: 99 }).execute())
      assert.ok(isForeignKeyViolation(dangling), String(dangling))
      assert.ok(!isUniqueViolation(dangling))
      await db.insertInto('child').values({ id: 2, parent_id: 1 }).execute()
      const referenced = await caught(db.deleteFrom('parent').where('id', '=', 1).execute())
      assert.ok(isForeignKeyViolation(referenced), String(referenced))
    })

    test('other errors are neither, whatever their message says', async () => {
      const other = await caught(sql`select no_such_column from parent`.execute(db))
      assert.ok(other instanceof Error)
      assert.ok(!isUniqueViolation(other) && !isForeignKeyViolation(other))
      assert.ok(!isUniqueViolation(new Error('UNIQUE constraint failed, says a message')))
      assert.ok(!isForeignKeyViolation(new Error('violates foreign key constraint, says a message')))
      assert.ok(!isUniqueViolation(null) && !isUniqueViolation('23505'))
    })

    test('unlessDuplicate: a unique violation becomes the given error; anything else passes through', async () => {
      const taken = new Error('code A is taken')
      await assert.rejects(
        unlessDuplicate(
          () => db.insertInto('parent').values({ id: 3, code: 'A' }).execute(),
          () => taken,
        ),
        (e) => e === taken,
      )
      await assert.rejects(
        unlessDuplicate(
          () => db.insertInto('child').values({ id: 3, parent_id: 99 }).execute(),
          () => taken,
        ),
        (e) => isForeignKeyViolation(e),
      )
      const written = await unlessDuplicate(
        () => db.insertInto('parent').values({ id: 4, code: 'D' }).returning('id').executeTakeFirstOrThrow(),
        () => taken,
      )
      assert.equal(written.id, 4)
    })
  })
}
