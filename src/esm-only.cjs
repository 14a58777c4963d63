// What a CommonJS `require('trove')` gets: Trove is ES modules only, and says so in one line.
throw new Error('trove is an ES module package: use `import` from an ES module ("type": "module" in package.json, or a .mjs file), not require().');
