// End-to-end test of the web app in Debian's Chromium, driven by playwright-core.
// Env: BASE_URL (server), WRITE_KEY (ingestion key of project "default"), and either
// LOGIN_EMAIL + LOGIN_PASSWORD or ACCESS_TOKEN; SCREENSHOT_DIR for the page screenshots.
// Exits non-zero on the first failed step.
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080'
const writeKey = process.env.WRITE_KEY
const shots = process.env.SCREENSHOT_DIR ?? 'e2e/out'
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium'
if (!writeKey) throw new Error('WRITE_KEY is not set')
mkdirSync(shots, { recursive: true })

const step = (name) => console.log(`e2e: ${name}`)
const run = `r${Date.now().toString(36)}`

async function ingest(batch) {
  const r = await fetch(`${base}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Write-Key': writeKey }, body: JSON.stringify({ batch }) })
  if (r.status !== 200) throw new Error(`ingestion answered ${r.status}: ${await r.text()}`)
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
let page
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' })
  page = await context.newPage()
  page.setDefaultTimeout(20_000)
  page.on('pageerror', (e) => console.error('page error:', e.message))
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false })
  const api = (path, init = {}) => page.evaluate(async ([p, i]) => { const r = await fetch(p, { ...i, headers: { 'Content-Type': 'application/json', ...(sessionStorage.getItem('causality.token') ? { Authorization: `Bearer ${sessionStorage.getItem('causality.token')}` } : {}) } }); return { status: r.status, body: await r.text() } }, [path, init])

  step('sign in')
  await page.goto(`${base}/`)
  await page.waitForURL('**/app/signin')
  if (process.env.LOGIN_EMAIL) {
    await page.getByLabel('Email').fill('nobody@example.com')
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').waitFor()
    await page.getByLabel('Email').fill(process.env.LOGIN_EMAIL)
    await page.getByLabel('Password').fill(process.env.LOGIN_PASSWORD ?? '')
  } else {
    await page.getByText('Use an access token instead').click()
    await page.getByLabel('Access token').fill(process.env.ACCESS_TOKEN ?? '')
  }
  await shot('01-sign-in')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/app/dashboards')
  await page.getByRole('heading', { name: 'Dashboards' }).waitFor()

  step('send events through the ingestion API')
  const now = Date.now()
  const batch = []
  for (let i = 0; i < 60; i++) {
    const plan = ['pro', 'free', 'team'][i % 3]
    const source = i % 2 === 0 ? 'ads' : 'organic'
    const t = new Date(now - (i % 7) * 86400e3 - i * 60e3).toISOString()
    batch.push({ type: 'track', event: 'Signed Up', userId: `${run}-u${i}`, timestamp: t, properties: { plan, source, run } })
    if (i % 2 === 0) batch.push({ type: 'track', event: 'Purchase', userId: `${run}-u${i}`, timestamp: new Date(Date.parse(t) + 3600e3).toISOString(), properties: { revenue: 10 + i, plan } })
    batch.push({ type: 'page', name: 'Home', userId: `${run}-u${i}`, timestamp: t, properties: { path: '/', url: 'https://example.com/' } })
    batch.push({ type: 'track', event: 'api_request', userId: `${run}-u${i}`, timestamp: t, context: { service: 'api' },
      properties: { method: 'GET', route: '/v1/things', status_code: i % 10 === 0 ? 500 : 200, latency_ms: 5 + (i % 20) } })
  }
  await ingest(batch)
  for (let i = 0; ; i++) {
    const r = await api('/api/sql', { method: 'POST', body: JSON.stringify({ sql: `SELECT count(*) AS n FROM events WHERE properties->>'run' = '${run}'` }) })
    if (r.status === 200 && JSON.parse(r.body).rows[0][0] >= 60) break
    if (i > 100) throw new Error(`events did not load: ${r.status} ${r.body}`)
    await page.waitForTimeout(200)
  }

  step('build a trend with a filter and a breakdown')
  await page.getByRole('link', { name: 'Trends' }).click()
  await page.getByLabel('Series 1 event').selectOption('Signed Up')
  await page.getByRole('button', { name: 'Filter', exact: true }).click()
  await page.getByLabel('Filter 1 field').fill('properties.source')
  await page.getByLabel('Filter 1 operator').selectOption('eq')
  await page.getByLabel('Filter 1 value').fill('ads')
  await page.getByLabel('Breakdown', { exact: true }).fill('properties.plan')
  await page.getByRole('button', { name: '14 days' }).click()
  await page.getByRole('radio', { name: 'bar' }).click()
  await page.getByTestId('trend-chart').locator('.recharts-legend-item-text', { hasText: 'pro' }).waitFor()
  if (!page.url().includes('properties.plan')) throw new Error(`the trend query is not in the URL: ${page.url()}`)
  await page.getByRole('radio', { name: 'table' }).click()
  const table = await page.getByTestId('trend-table').innerText()
  // 60 sign-ups, half from ads, split over three plans: 10 each, all within 14 days
  for (const plan of ['pro', 'free', 'team']) if (!new RegExp(`Signed Up · [^\\t]* · ${plan}\\s+10\\b`).test(table)) throw new Error(`trend table lacks ${plan}=10:\n${table}`)
  await page.getByRole('radio', { name: 'bar' }).click()
  await page.getByTestId('trend-chart').locator('.recharts-legend-item-text', { hasText: 'pro' }).waitFor()
  await shot('02-trends')
  const trendUrl = page.url()
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByLabel('Name').fill('Sign-ups from ads by plan')
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await page.getByRole('dialog').waitFor({ state: 'detached' })

  step('run SQL, save it')
  await page.getByRole('link', { name: 'SQL' }).click()
  const editor = page.locator('.cm-content')
  const statement = `SELECT properties->>'plan' AS plan, count(*) AS signups FROM events WHERE event = 'Signed Up' AND properties->>'run' = '${run}' GROUP BY 1 ORDER BY 1`
  await editor.fill(statement)
  const typed = (await editor.innerText()).trim()
  if (typed !== statement) throw new Error(`the editor holds:\n${typed}`)
  await editor.click()
  await page.keyboard.press('Escape')
  await page.keyboard.press('Control+Enter')
  await page.getByTestId('result-table').waitFor()
  const sqlText = await page.getByTestId('result-table').innerText()
  if (!/pro\s+20/.test(sqlText)) throw new Error(`unexpected SQL result:\n${sqlText}`)
  await page.getByText('LIMIT 1000 added').waitFor()
  await editor.click()
  await page.keyboard.press('Control+S')
  await page.getByLabel('Name').fill('Sign-ups by plan')
  await page.getByLabel('Description').fill('from the e2e test')
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await page.getByRole('heading', { name: 'Sign-ups by plan' }).waitFor()
  await page.getByRole('button', { name: 'History' }).click()
  await page.getByText(`properties->>'run' = '${run}'`).first().waitFor()
  await shot('03-sql')

  step('save it to a dashboard')
  await page.getByRole('link', { name: 'Dashboards' }).click()
  await page.getByRole('button', { name: 'New dashboard' }).click()
  await page.getByLabel('Name').fill(`Growth ${run}`)
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('heading', { name: `Growth ${run}` }).waitFor()
  await page.getByRole('button', { name: 'Add tile' }).click()
  await page.getByRole('dialog').getByRole('button', { name: /Sign-ups by plan/ }).click()
  await page.getByTestId('dashboard-tile').getByTestId('result-table').waitFor()
  await page.getByRole('button', { name: 'Add tile' }).click()
  await page.getByRole('dialog').getByRole('button', { name: /Sign-ups from ads by plan/ }).click()
  await page.getByTestId('dashboard-tile').nth(1).getByTestId('trend-chart').waitFor()
  const dashboardUrl = page.url()
  await page.reload()
  await page.getByTestId('dashboard-tile').nth(1).getByTestId('trend-chart').waitFor()
  await page.waitForTimeout(300)
  await shot('04-dashboard')
  if (!dashboardUrl.includes('/app/dashboards/')) throw new Error(`dashboard URL is not shareable: ${dashboardUrl}`)

  step('watch an event arrive in the live view')
  await page.getByRole('link', { name: 'Live events' }).click()
  await page.getByTestId('live-status').getByText('live').waitFor()
  await ingest([{ type: 'track', event: 'Live Ping', userId: `${run}-live`, properties: { run, hello: 'world' } }])
  await page.getByTestId('live-table').getByText('Live Ping').waitFor()
  await page.getByTestId('live-table').getByText('Live Ping').click()
  const detail = await page.getByTestId('event-json').innerText()
  if (!detail.includes('"hello": "world"')) throw new Error(`event detail lacks the properties:\n${detail}`)
  await shot('05-live')
  await page.keyboard.press('Escape')

  step('the other pages render')
  await page.goto(trendUrl)
  await page.getByTestId('trend-chart').waitFor()
  await page.getByRole('link', { name: 'Funnels' }).click()
  await page.getByLabel('Step 1').selectOption('Signed Up')
  await page.getByLabel('Step 2').selectOption('Purchase')
  await page.getByTestId('funnel-chart').waitFor()
  await shot('06-funnels')
  await page.getByRole('link', { name: 'Retention' }).click()
  await page.getByLabel('Cohort event').selectOption('Signed Up')
  await page.getByRole('button', { name: '14 days' }).click()
  await page.getByTestId('retention-table').waitFor()
  await shot('07-retention')
  await page.getByRole('link', { name: 'Ingestion health' }).click()
  await page.getByTestId('health-stats').waitFor()
  await page.waitForTimeout(500)
  await shot('08-ingestion-health')
  await page.getByRole('link', { name: 'Settings' }).click()
  await page.getByText('Send your first event').waitFor()
  await page.waitForTimeout(500)
  await shot('09-settings')
  await page.getByRole('link', { name: 'Service telemetry' }).click()
  await page.getByRole('heading', { name: 'Service telemetry' }).waitFor()
  await page.getByRole('radio', { name: 'api latency' }).click()
  await page.getByTestId('telemetry-chart').locator('.recharts-line').waitFor()
  await page.waitForTimeout(300)
  await shot('10-telemetry')

  step('dark mode and a phone-sized screen')
  await page.goto(dashboardUrl)
  await page.getByRole('button', { name: 'Toggle dark mode' }).click()
  await page.getByTestId('dashboard-tile').nth(1).getByTestId('trend-chart').waitFor()
  await page.waitForTimeout(300)
  await shot('11-dashboard-dark')
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(trendUrl)
  await page.getByTestId('trend-chart').waitFor()
  await page.waitForTimeout(300)
  await shot('12-trends-phone')

  step('sign out')
  await page.setViewportSize({ width: 1360, height: 860 })
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL('**/app/signin')
  console.log('e2e: passed')
} catch (e) {
  console.error(`e2e: FAILED: ${e.stack ?? e}`)
  if (page) await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {})
  await browser.close()
  process.exit(1)
}
await browser.close()
