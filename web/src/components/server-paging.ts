/**
 * Tables paged on the server: the page and page size a table shows, the `limit`/`offset` to ask the
 * API for, and antd's `pagination` for the `total` the API answered — a new page is a new request.
 */
import { useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import { useNumber, useT } from '../i18n/i18n';
import { common } from '../i18n/common';

export interface ServerPaging {
  readonly limit: number;
  readonly offset: number;
  /** Back to the first page (when a filter changes). */
  first(): void;
  /** antd Table `pagination` for this many rows in all. */
  pagination(total: number): TablePaginationConfig;
}

export function useServerPaging(initialSize: number, sizes: readonly number[] = [10, 20, 50, 100]): ServerPaging {
  const t = useT(common);
  const num = useNumber();
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(initialSize);
  return {
    limit: size,
    offset: (page - 1) * size,
    first: () => setPage(1),
    pagination: (total) => ({
      current: page,
      pageSize: size,
      total,
      showSizeChanger: true,
      pageSizeOptions: sizes.map(String),
      hideOnSinglePage: total <= Math.min(...sizes),
      showTotal: (n: number) => t('pageTotal', { n: num(n) }),
      onChange: (p: number, s: number) => {
        setPage(s === size ? p : 1);
        setSize(s);
      },
    }),
  };
}
