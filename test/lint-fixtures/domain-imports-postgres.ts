import postgres from 'postgres';

export const leakyRule = (): unknown => postgres('postgres://nowhere');
