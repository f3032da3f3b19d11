// A server component: renders on the server, the session part is a client component.
import type { ReactNode } from "react";

export const metadata = { title: "tokenward + Next.js" };

export default function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
