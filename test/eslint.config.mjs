import baseConfig from '../eslint.config.mjs';

export default [...baseConfig, { ignores: ['lint-fixtures/**', 'bench/results/**'] }];
