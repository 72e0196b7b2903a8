/** `populus id check NUMBER`: the verdict and its reason; exit code 0 when valid, 1 when not. */
import { Command } from 'commander';
import { maskIdNumber } from '../../domain/id-number.ts';
import { defaultAreaCodeHistory } from '../../reference/area-code-history.ts';
import { IdNumberService } from '../../services/id-number.service.ts';

const KIND_ZH: Record<string, string> = {
  citizen: '公民身份号码',
  'hk-resident-permit': '港澳台居民居住证（香港）',
  'mo-resident-permit': '港澳台居民居住证（澳门）',
  'tw-resident-permit': '港澳台居民居住证（台湾）',
};

export function idCommand(): Command {
  const id = new Command('id').description('citizen ID numbers (GB 11643)');
  id.command('check')
    .description('check an ID number: checksum, birth date, address code (GB/T 2260 history); 15 digits are converted')
    .argument('<number>', '18- or 15-digit ID number')
    .option('--strict', 'reject lower-case x, full-width digits and spaces instead of normalising them')
    .option('--show', 'print the number unmasked (it is masked by default)')
    .action((number: string, opts: { strict?: boolean; show?: boolean }) => {
      const verdict = new IdNumberService(defaultAreaCodeHistory()).check(number, opts.strict ?? false);
      if (!verdict.valid) {
        console.log(`invalid (${verdict.reason}): ${verdict.message}\n无效：${verdict.messageZh}`);
        process.exitCode = 1;
        return;
      }
      const f = verdict.facts;
      const shown = opts.show ? f.number : maskIdNumber(f.number);
      console.log(`valid: ${shown} (${KIND_ZH[f.kind] ?? f.kind})`);
      console.log(`  birth date ${f.birthDate}, sex ${f.sex === '1' ? '男 male' : '女 female'}`);
      console.log(`  address code ${f.addressCode} ${f.addressName ?? ''}${f.addressCodeRetired ? ' (retired since; the number stays valid)' : ''}`);
      if (f.convertedFrom15) console.log('  converted from the 15-digit form');
      if (f.normalised) console.log('  normalised (spaces, full-width digits or lower-case x)');
      process.exitCode = 0;
    });
  return id;
}
