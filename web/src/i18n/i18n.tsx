/**
 * Chinese first, English a click away. Each page keeps its own messages beside it
 * (`defineMessages({ zh: {...}, en: {...} })`, the English keys checked against the Chinese by the
 * type) and reads them with `useT(messages)`; `{name}` placeholders are filled from the second argument.
 * The choice is kept in localStorage and sets Ant Design's and dayjs's locales too.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';

export type Lang = 'zh' | 'en';

export interface Messages<K extends string> {
  readonly zh: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
}

export function defineMessages<K extends string>(m: Messages<K>): Messages<K> {
  return m;
}

interface LangState {
  readonly lang: Lang;
  setLang(lang: Lang): void;
}

const LangContext = createContext<LangState>({ lang: 'zh', setLang: () => undefined });
const STORAGE_KEY = 'populus.lang';

function initialLang(): Lang {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'zh';
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<LangState>(
    () => ({
      lang,
      setLang(l) {
        localStorage.setItem(STORAGE_KEY, l);
        document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
        setLangState(l);
      },
    }),
    [lang],
  );
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <LangContext.Provider value={value}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f5fbf', borderRadius: 4 } }}>
        {children}
      </ConfigProvider>
    </LangContext.Provider>
  );
}

export function useLang(): LangState {
  return useContext(LangContext);
}

export type Translate<K extends string> = (key: K, vars?: Readonly<Record<string, string | number>>) => string;

/** The translate function of a page's messages in the chosen language. */
export function useT<K extends string>(messages: Messages<K>): Translate<K> {
  const { lang } = useLang();
  return useMemo(() => {
    const table = messages[lang];
    return (key: K, vars?: Readonly<Record<string, string | number>>) => {
      const text = table[key] ?? messages.zh[key] ?? key;
      return vars === undefined ? text : text.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? `{${name}}`));
    };
  }, [lang, messages]);
}

/** Formats a number the way the chosen language writes it (12,345). */
export function useNumber(): (n: number, digits?: number) => string {
  const { lang } = useLang();
  return useMemo(() => {
    const f = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US');
    return (n: number, digits?: number) => (digits === undefined ? f.format(n) : new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n));
  }, [lang]);
}
