/** The municipality reference table lives with the contracts; the generator places residents by its weights. */
export * from '../schema/municipalities';
