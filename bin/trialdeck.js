#!/usr/bin/env node
// Runs the compiled CLI (`npm run build`, done by `npm install` through the prepare script).
import '../dist/cli.js'
