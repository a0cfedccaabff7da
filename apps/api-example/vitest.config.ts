import { dataLayerVitestConfig } from '../../vitest.shared.ts';

export default dataLayerVitestConfig(new URL('.', import.meta.url).href);
