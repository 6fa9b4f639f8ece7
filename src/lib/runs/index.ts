export * from './peft';
export * from './files';
export * from './svg-export';
export * from './listing';
