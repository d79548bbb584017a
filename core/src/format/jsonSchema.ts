/** Builds the JSON Schema of the frontmatter from the key table (written to `schemas/inoc.schema.json`). */
import { FRONTMATTER_SPEC, type ValueSpec } from './schema';

type JsonSchema = Record<string, unknown>;

function convert(spec: ValueSpec): JsonSchema {
  const base: JsonSchema = { markdownDescription: spec.description };
  if (spec.examples) base.examples = spec.examples;
  switch (spec.type) {
    case 'string': {
      const out: JsonSchema = { ...base, type: 'string' };
      if (spec.enum) {
        out.enum = spec.enum.map((o) => o.value);
        out.markdownEnumDescriptions = spec.enum.map((o) => o.description);
      }
      if (spec.default !== undefined) out.default = spec.default;
      if (spec.minLength) out.minLength = spec.minLength;
      if (spec.format === 'url') out.pattern = '^https?://';
      if (spec.format === 'regex') out.format = 'regex';
      return out;
    }
    case 'number':
    case 'integer': {
      const numeric: JsonSchema = { type: spec.type };
      if (spec.minimum !== undefined) numeric.minimum = spec.minimum;
      if (spec.maximum !== undefined) numeric.maximum = spec.maximum;
      const forms: JsonSchema[] = [numeric];
      if (spec.allowAuto) forms.push({ const: 'auto' });
      if (spec.orList) forms.push({ type: 'array', items: convert(spec.orList) });
      const out: JsonSchema = forms.length > 1 ? { ...base, anyOf: forms } : { ...base, ...numeric };
      if (spec.default !== undefined) out.default = spec.default;
      return out;
    }
    case 'boolean':
      return { ...base, type: 'boolean', ...(spec.default !== undefined ? { default: spec.default } : {}) };
    case 'array':
      return { ...base, type: 'array', items: convert(spec.items) };
    case 'object': {
      const out: JsonSchema = {
        ...base,
        type: 'object',
        properties: Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [k, convert(v)])),
        additionalProperties: spec.additionalProperties ? convert(spec.additionalProperties) : false,
      };
      if (spec.propertyNames) out.propertyNames = { enum: spec.propertyNames.map((o) => o.value) };
      if (spec.required?.length) out.required = spec.required;
      if (spec.stringForm) {
        const { markdownDescription, examples, ...object } = out;
        return { markdownDescription, ...(examples ? { examples } : {}), anyOf: [{ type: 'string', minLength: 1, markdownDescription: spec.stringForm.description }, object] };
      }
      if (spec.deprecatedString) {
        const { markdownDescription, examples, ...object } = out;
        return { markdownDescription, ...(examples ? { examples } : {}), anyOf: [object, { type: 'string', deprecated: true, markdownDescription: spec.deprecatedString }] };
      }
      return out;
    }
    case 'tagged':
      return {
        ...base,
        anyOf: [
          { type: 'string', enum: Object.keys(spec.variants) },
          ...Object.entries(spec.variants).map(([type, variant]) => {
            const object = convert(variant);
            return {
              ...object,
              properties: { type: { const: type }, ...(object.properties as object) },
              required: ['type', ...((object.required as string[] | undefined) ?? [])],
            };
          }),
        ],
      };
  }
}

/** The JSON Schema (draft 2020-12) for the YAML frontmatter of `.inoc` files. */
export function frontmatterJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/inoculate/inoculate/schemas/inoc.schema.json',
    title: 'Inoculate .inoc frontmatter',
    ...convert(FRONTMATTER_SPEC),
    allOf: [
      { if: { properties: { behavior: { const: 'custom' } }, required: ['behavior'] }, then: { required: ['description'] } },
      { if: { properties: { placement: { const: 'template' } }, required: ['placement'] }, then: { required: ['template'] } },
    ],
  };
}
