export { type LinearFitOptions } from './inputs.js';
export { RidgeModel, fitRidge } from './ridge.js';
export * from './logistic.js';
