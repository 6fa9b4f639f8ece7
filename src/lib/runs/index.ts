export * from './peft';
export * from './files';
export * from './listing';
