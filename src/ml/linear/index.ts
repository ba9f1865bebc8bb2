export { type LinearFitOptions } from './inputs.js';
export { RidgeModel, fitRidge } from './ridge.js';
export { LogisticModel, fitLogistic, type LogisticOptions } from './logistic.js';
