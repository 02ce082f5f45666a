#!/usr/bin/env node
// A committed launcher, so pnpm can link the command before the first build.
import "../dist/cli.js";
