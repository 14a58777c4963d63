/** The blog example as a Trove project: `npx trove <command>` from this folder. */
import { defineConfig } from 'trove/config';
import { BlogLayout } from './pages.tsx';
import { urls } from './urls.ts';

export default defineConfig({
  database: 'sqlite:blog.db',
  apps: ['./models.ts'],
  secretKey: 'blog-demo-secret-key-not-for-production',
  debug: true,
  urls,
  layout: BlogLayout,
});
