export * from './encodings';
export * from './chat-tokens';
