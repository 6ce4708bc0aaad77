import { z } from 'zod';

/**
 * Building blocks for the data each Action.Execute verb accepts. The bot checks a click's data
 * against its verb's schema before the service sees it; anything else is "that button is out of
 * date". Inputs a form adds beyond the declared fields may pass only as short flat values.
 */
export const id = z.string().min(1).max(200);
/** A version or counter carried in card data: templating may render it as a number or a string. */
export const counter = z.union([z.number().int().min(0).max(1e9), z.string().regex(/^\d{1,9}$/)]);
/** A typed or picked input: absent, or text up to `max` characters. */
export const input = (max = 4000) => z.string().max(max).optional();
const extra = z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]);

/** The data of one verb: the declared fields, plus at most flat extras. */
export const verbData = <T extends z.ZodRawShape>(shape: T) => z.object(shape).catchall(extra);

export type VerbDataSchema = z.ZodType<Record<string, unknown>, z.ZodTypeDef, unknown>;
