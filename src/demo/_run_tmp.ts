import { generateDemo } from '/work/main/src/demo/demo-generator.ts';
const [seed, out, scale, noise] = process.argv.slice(2);
const t = Date.now();
const s = await generateDemo({ seed: seed ?? '1', outDir: out ?? '/tmp/demo', scale: Number(scale ?? '0.02'), noise: Number(noise ?? '1'), onProgress: (p) => { if (p.committeesDone % 17 === 0) process.stderr.write(`${p.committeesDone}/${p.committeesTotal} ${p.persons} ${p.rows}\n`); } });
console.log(JSON.stringify({ ...s, files: s.files.length }), (Date.now() - t) / 1000, 's', Math.round(process.resourceUsage().maxRSS / 1024), 'MB');
