/** The blog example as a Trove project: `npx trove <command>` from this folder. */
import { defineConfig } from 'trove/config';
import { BlogLayout } from './pages.tsx';
import { urls } from './urls.ts';

export default defineConfig({
  database: 'sqlite:blog.db',
  apps: ['./models.ts'],
  // For the demo only (npm start): serving without debug refuses it and takes TROVE_SECRET_KEY.
  secretKey: 'trove-insecure-blog-demo-secret-key',
  debug: true,
  urls,
  layout: BlogLayout,
});
