import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  createTenant,
  onEveryDatabase,
  type Harness,
  type TestTenant,
} from '../../../../test/support/harness.js'

const WRITE = { 'x-trialdeck-csrf': '1' }
let address = 0

async function signIn(h: Harness, customerCode: string, username: string, password: string) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    remoteAddress: `10.9.0.${++address}`,
    payload: { username, password, customerCode },
  })
  const id = /^trialdeck_session=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? ''
  return { res, cookie: `trialdeck_session=${id}` }
}

interface Problem {
  detail: string
  errors?: { path: string }[]
}

onEveryDatabase('passwords set by an administrator must be changed first', (h) => {
  const createNurse = async (t: TestTenant, password: string) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: t.bearer,
      payload: { username: 'nurse', password, displayName: 'Nurse Ratched', roles: ['viewer'] },
    })
    assert.equal(res.statusCode, 201, res.body)
    assert.equal(res.json<{ mustChangePassword: boolean }>().mustChangePassword, true)
    return res.json<{ id: number }>().id
  }
  const changePassword = (cookie: string, payload: object, headers: Record<string, string> = WRITE) =>
    h.app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: { cookie, ...headers }, payload })

  test('until they change it, the user may only read /me, change the password and sign out', async () => {
    const t = await createTenant(h)
    const first = 'first-password-from-admin'
    const nurseId = await createNurse(t, first)
    const { res, cookie } = await signIn(h, t.code, 'nurse', first)
    assert.equal(res.statusCode, 201)
    assert.equal(res.json<{ mustChangePassword: boolean }>().mustChangePassword, true)
    const second = await signIn(h, t.code, 'nurse', first)
    const me = await h.app.inject({ url: '/api/v1/me', headers: { cookie } })
    assert.equal(me.json<{ mustChangePassword: boolean }>().mustChangePassword, true)
    const blocked = await h.app.inject({ url: '/api/v1/admin/users', headers: { cookie } })
    assert.equal(blocked.statusCode, 403)
    assert.match(blocked.json<Problem>().detail, /^You must change your password first/)

    assert.equal(
      (await changePassword(cookie, { currentPassword: first, newPassword: 'x'.repeat(20) }, {})).statusCode,
      403,
    )
    const wrong = await changePassword(cookie, {
      currentPassword: 'not-it-at-all',
      newPassword: 'x'.repeat(20),
    })
    assert.equal(wrong.statusCode, 422)
    assert.deepEqual(
      wrong.json<Problem>().errors?.map((e) => e.path),
      ['/body/currentPassword'],
    )
    const same = await changePassword(cookie, { currentPassword: first, newPassword: first })
    assert.deepEqual(
      same.json<Problem>().errors?.map((e) => e.path),
      ['/body/newPassword'],
    )
    for (const bad of [
      { currentPassword: first },
      { currentPassword: first, newPassword: 'y'.repeat(256) },
      { newPassword: 'z', extra: 1 },
    ]) {
      assert.equal((await changePassword(cookie, bad)).statusCode, 422, JSON.stringify(bad))
    }

    const mine = 'my-own-password-now'
    assert.equal(
      (await changePassword(cookie, { currentPassword: first, newPassword: mine })).statusCode,
      204,
    )
    const after = await h.app.inject({ url: '/api/v1/me', headers: { cookie } })
    assert.equal(after.json<{ mustChangePassword: boolean }>().mustChangePassword, false)
    assert.equal((await h.app.inject({ url: '/api/v1/admin/users', headers: { cookie } })).statusCode, 200)
    const ended = await h.app.inject({ url: '/api/v1/me', headers: { cookie: second.cookie } })
    assert.equal(ended.statusCode, 401, 'the other session ended with the change')
    assert.equal((await signIn(h, t.code, 'nurse', first)).res.statusCode, 401)
    assert.equal((await signIn(h, t.code, 'nurse', mine)).res.statusCode, 201)
    const audit = await h.app.inject({ url: `/api/v1/audit?action=user.password.change`, headers: t.bearer })
    const [record] = audit.json<{ items: { entityId: string; actor: { kind: string } }[] }>().items
    assert.equal(record?.entityId, String(nurseId))
    assert.equal(record.actor.kind, 'session')
    assert.doesNotMatch(audit.body, /my-own-password-now/)
  })

  test('an administrator resetting a password ends that user’s sessions and requires a change again', async () => {
    const t = await createTenant(h)
    const nurseId = await createNurse(t, 'first-password-from-admin')
    const { cookie } = await signIn(h, t.code, 'nurse', 'first-password-from-admin')
    await changePassword(cookie, {
      currentPassword: 'first-password-from-admin',
      newPassword: 'my-own-password-now',
    })
    const reset = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${nurseId}`,
      headers: t.bearer,
      payload: { password: 'reset-by-the-admin' },
    })
    assert.equal(reset.json<{ mustChangePassword: boolean }>().mustChangePassword, true)
    assert.equal((await h.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode, 401)
    const again = await signIn(h, t.code, 'nurse', 'reset-by-the-admin')
    assert.equal(again.res.json<{ mustChangePassword: boolean }>().mustChangePassword, true)
    // An administrator setting their own password through the admin API is not told to change it.
    const own = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${t.userId}`,
      headers: t.bearer,
      payload: { password: 'admin-chose-this-one' },
    })
    assert.equal(own.json<{ mustChangePassword: boolean }>().mustChangePassword, false)
  })

  test('a password change touches the caller only, not a same-named user of another tenant', async () => {
    const t = await createTenant(h)
    const other = await createTenant(h)
    const res = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/me/password',
      headers: t.basic,
      payload: { currentPassword: t.password, newPassword: 'a-brand-new-password' },
    })
    assert.equal(res.statusCode, 204, res.body)
    assert.equal((await signIn(h, other.code, other.username, other.password)).res.statusCode, 201)
    assert.equal((await signIn(h, t.code, t.username, 'a-brand-new-password')).res.statusCode, 201)
  })
})
