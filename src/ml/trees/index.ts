export { ForestBuilder, NodeFlag, nextUp, type Forest, type TreeNodes } from './forest.js';
export { addForest } from './score.js';
