/** Every command of `trove`, in the order `trove --help` lists them. */
import type { Command } from '../command.ts';
import { check } from './check.ts';
import { changepassword } from './changepassword.ts';
import { clearsessions } from './clearsessions.ts';
import { createsuperuser } from './createsuperuser.ts';
import { deleteCommand } from './delete.ts';
import { dumpdata } from './dumpdata.ts';
import { loaddata } from './loaddata.ts';
import { makemigrations } from './makemigrations.ts';
import { migrate } from './migrate.ts';
import { operations } from './operations.ts';
import { purgeCommand } from './purge.ts';
import { restore } from './restore.ts';
import { runserver } from './runserver.ts';
import { shell } from './shell.ts';
import { showmigrations } from './showmigrations.ts';
import { sqlmigrate } from './sqlmigrate.ts';
import { startapp } from './startapp.ts';
import { startproject } from './startproject.ts';
import { test } from './test.ts';
import { trash } from './trash.ts';
import { worker } from './worker.ts';

export const commands: readonly Command[] = [startproject, startapp, check, shell, makemigrations, migrate, showmigrations, sqlmigrate, createsuperuser, changepassword, runserver, deleteCommand, restore, trash, purgeCommand, operations, worker, dumpdata, loaddata, clearsessions, test];
