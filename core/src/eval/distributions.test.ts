import assert from 'node:assert/strict';
import { mulberry32 } from '../check/sampling';
import {
  expit, incompleteBeta, logGamma, normalCdf, normalQuantile, normalSource, sortedQuantile, studentTCdf, studentTQuantile, t95, Z_95,
} from './distributions';

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected} ± ${tolerance}`);

describe('eval/distributions', () => {
  it('computes log Γ at known points', () => {
    close(logGamma(5), Math.log(24), 1e-12);
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
    close(logGamma(10.5), 13.940625219403763, 1e-10);
  });

  it('computes the regularised incomplete beta at closed-form points', () => {
    close(incompleteBeta(0.3, 1, 1), 0.3, 1e-12);
    close(incompleteBeta(0.3, 2.5, 1), 0.3 ** 2.5, 1e-12);
    close(incompleteBeta(0.5, 7, 7), 0.5, 1e-12);
    close(incompleteBeta(0.2, 1, 3), 1 - 0.8 ** 3, 1e-12);
    assert.throws(() => incompleteBeta(1.2, 1, 1), /0 <= x <= 1/);
  });

  // Two-sided 95% critical values of Student's t, from standard tables (e.g. Abramowitz & Stegun, table 26.10).
  const table: Array<[number, number]> = [
    [1, 12.7062], [2, 4.3027], [3, 3.1824], [4, 2.7764], [5, 2.5706], [9, 2.2622], [19, 2.0930], [29, 2.0452], [99, 1.9842],
  ];
  for (const [df, value] of table) {
    it(`gives t(0.975, ${df}) = ${value}`, () => close(t95(df), value, 5e-5));
  }

  it('gives other quantiles, fractional df, symmetry and the normal limit', () => {
    close(studentTQuantile(0.95, 10), 1.8125, 5e-5);
    close(studentTQuantile(0.025, 4), -2.7764, 5e-5);
    assert.ok(t95(2.5) < t95(2) && t95(2.5) > t95(3), 'fractional df lies between its neighbours');
    close(t95(1e7), Z_95, 1e-5);
    assert.equal(t95(Infinity), Z_95);
    close(studentTCdf(t95(7), 7), 0.975, 1e-12);
    assert.throws(() => studentTQuantile(0.975, 0), /degrees of freedom/);
  });

  it('computes the normal CDF and quantile', () => {
    close(normalCdf(Z_95), 0.975, 1e-7);
    close(normalCdf(0), 0.5, 1e-7);
    close(normalCdf(-1), 0.15865525393145707, 1e-7);
    close(normalQuantile(0.975), Z_95, 1e-8);
    close(normalQuantile(0.001), -3.090232306167813, 1e-8);
    close(normalQuantile(0.5), 0, 1e-12);
  });

  it('takes sample quantiles like R (type 7)', () => {
    // R: quantile(c(1, 2, 3, 4), c(0.25, 0.975)) gives 1.75 and 3.925.
    close(sortedQuantile([1, 2, 3, 4], 0.25), 1.75, 1e-12);
    close(sortedQuantile([1, 2, 3, 4], 0.975), 3.925, 1e-12);
    assert.equal(sortedQuantile([7], 0.5), 7);
    assert.throws(() => sortedQuantile([], 0.5), /no values/);
  });

  it('draws seeded standard normals (same seed, same draws; mean 0 and variance 1)', () => {
    const a = normalSource(mulberry32(42));
    const b = normalSource(mulberry32(42));
    const draws = Array.from({ length: 20000 }, () => a());
    assert.deepEqual(draws.slice(0, 5), Array.from({ length: 5 }, () => b()));
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / (draws.length - 1);
    // Standard errors: 1/√20000 = 0.007 for the mean, √(2/20000) = 0.01 for the variance; 4 of them.
    close(mean, 0, 0.03);
    close(variance, 1, 0.04);
  });

  it('computes expit without overflow', () => {
    assert.equal(expit(0), 0.5);
    assert.equal(expit(-1000), 0);
    assert.equal(expit(1000), 1);
  });
});
