import { Space, Typography } from 'antd';
import { ReactNode } from 'react';

/** A page's title, with its actions (create, export, …) on the right. */
export function PageHeading({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {children}
    </Space>
  );
}
