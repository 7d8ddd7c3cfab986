#!/usr/bin/env node
require('../out/node/cli.js');
