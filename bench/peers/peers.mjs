// The Node.js peers on the shared catalogue: a compiled CEL expression (@marcbachmann/cel-js)
// and json-rules-engine, each deciding us-2023-10 (3A090.a, .b and Note 2).
//   node peers.mjs CATALOGUE.csv CEL_OUT.csv RULES_OUT.csv [RULES_SAMPLE]
// CEL: one parsed expression gives the three-valued outcome of every comparison (a missing
// value is unknown: `has()`), and a few lines of Kleene logic combine them as exctl does; it
// writes `id,verdict` for every chip. json-rules-engine has no unknowns, so it decides only
// chips with every value known, and only the first RULES_SAMPLE of them (default 20,000):
// at its rate the whole catalogue would take minutes.
import {readFileSync, writeFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {parse} from '@marcbachmann/cel-js'
import {Engine} from 'json-rules-engine'

const t0 = performance.now()
const [catalogue, celOut, rulesOut, sampleArg] = process.argv.slice(2)
const sample = Number(sampleArg ?? 20000)

const lines = readFileSync(catalogue, 'utf8').split('\n')
const rows = []
for (let i = 1; i < lines.length; ++i) {
  if (!lines[i]) continue
  const [id, tpp, pd, dc] = lines[i].split(',')
  const chip = {}
  if (tpp !== '') chip.tpp = Number(tpp)
  if (pd !== '') chip.pd = Number(pd)
  if (dc !== '') chip.dc = dc === 'true'
  rows.push([id, chip])
}

// 1 yes, 0 no, 2 unknown
const cmp = (f, op, t) => `(has(c.${f}) ? (c.${f} ${op} ${t} ? 1 : 0) : 2)`
const expr = parse('[' + [cmp('tpp', '>=', '4800.0'), cmp('tpp', '>=', '2400.0'),
  cmp('tpp', '>=', '1600.0'), cmp('pd', '>=', '5.92'), cmp('pd', '>=', '1.6'),
  cmp('pd', '>=', '3.2'), '(has(c.dc) ? (c.dc ? 1 : 0) : 2)'].join(', ') + ']')
const and = (...x) => x.includes(0) ? 0 : x.every(v => v === 1) ? 1 : 2
const or = (...x) => x.includes(1) ? 1 : x.every(v => v === 0) ? 0 : 2
const not = x => x === 2 ? 2 : 1 - x
function verdict([t4800, t2400, t1600, p592, p160, p320, dc]) {
  const a = or(t4800, and(t1600, p592))
  const b = and(not(a), or(and(t2400, not(t4800), p160, not(p592)), and(t1600, p320, not(p592))))
  const control = or(a, b)
  if (control === 0) return 'not_controlled'
  if (control === 2) return 'indeterminate'
  const note2 = and(not(dc), not(t4800))
  return note2 === 1 ? 'excluded' : note2 === 0 ? 'controlled' : 'indeterminate'
}
const t1 = performance.now()
const verdicts = rows.map(([, c]) => verdict(expr({c}).map(Number)))
const t2 = performance.now()
writeFileSync(celOut, rows.map(([id], i) => `${id},${verdicts[i]}\n`).join(''))
const t3 = performance.now()

const engine = new Engine()
const fact = (f, operator, value) => ({fact: f, operator, value})
engine.addRule({name: 'a', event: {type: 'a'}, conditions: {any: [fact('tpp', 'greaterThanInclusive', 4800),
  {all: [fact('tpp', 'greaterThanInclusive', 1600), fact('pd', 'greaterThanInclusive', 5.92)]}]}})
engine.addRule({name: 'b', event: {type: 'b'}, conditions: {any: [
  {all: [fact('tpp', 'greaterThanInclusive', 2400), fact('tpp', 'lessThan', 4800),
         fact('pd', 'greaterThanInclusive', 1.6), fact('pd', 'lessThan', 5.92)]},
  {all: [fact('tpp', 'greaterThanInclusive', 1600), fact('pd', 'greaterThanInclusive', 3.2),
         fact('pd', 'lessThan', 5.92)]}]}})
engine.addRule({name: 'note2', event: {type: 'note2'}, conditions: {all: [
  fact('dc', 'equal', false), fact('tpp', 'lessThan', 4800)]}})
const known = rows.filter(([, c]) => 'tpp' in c && 'pd' in c && 'dc' in c).slice(0, sample)
const r0 = performance.now()
const out = []
for (const [id, c] of known) {
  const {events} = await engine.run(c)
  const fired = new Set(events.map(e => e.type))
  const control = fired.has('a') || fired.has('b')
  out.push(`${id},${!control ? 'not_controlled' : fired.has('note2') ? 'excluded' : 'controlled'}\n`)
}
const r1 = performance.now()
writeFileSync(rulesOut, out.join(''))

const rate = (n, ms) => Math.round(n / (ms / 1000))
console.log(`cel in_memory_per_s=${rate(rows.length, t2 - t1)} end_to_end_s=${((t3 - t0) / 1000).toFixed(3)}`)
console.log(`json-rules-engine in_memory_per_s=${rate(known.length, r1 - r0)} decided=${known.length}`)
