import { expect } from 'chai';
import { addToHistogram, distribution, histogramDistribution, histogramMedian, median, nearestRank, ratio, round, type Histogram } from '../../server/reports/report-math.js';

/** The reports' arithmetic (docs/reports.md): nearest-rank percentiles, rounded means and rates. */
describe('report maths', () => {
  it('takes percentiles by nearest rank: the value at rank ⌈p/100 · n⌉', () => {
    const ten = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(nearestRank(ten, 50)).to.equal(5); // rank 5: the lower middle of an even count
    expect(nearestRank(ten, 90)).to.equal(9); // rank 9 exactly, no floating-point drift to 10
    expect(nearestRank(ten, 100)).to.equal(10);
    expect(nearestRank(ten, 1)).to.equal(1);
    const eleven = Float64Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    expect(nearestRank(eleven, 50)).to.equal(60); // rank ⌈5.5⌉ = 6
    expect(nearestRank(eleven, 90)).to.equal(100); // rank ⌈9.9⌉ = 10
    expect(nearestRank(Float64Array.from([7]), 90)).to.equal(7);
    expect(nearestRank(new Float64Array(0), 50)).to.equal(null);
    expect(() => nearestRank(ten, 0)).to.throw(RangeError);
    expect(() => nearestRank(ten, 50.5)).to.throw(RangeError);
  });

  it('summarises values in any order: mean to one decimal, median, p90, count; nulls without values', () => {
    const values = [100, 5, 30, 0, 45, 10, 20];
    expect(distribution(values)).to.deep.equal({ mean: 30, median: 20, p90: 100, count: 7 }); // sorted 0 5 10 20 30 45 100
    expect(values).to.deep.equal([100, 5, 30, 0, 45, 10, 20]); // not sorted in place
    expect(distribution([1, 2])).to.deep.equal({ mean: 1.5, median: 1, p90: 2, count: 2 });
    expect(distribution([1, 1, 2])).to.deep.equal({ mean: 1.3, median: 1, p90: 2, count: 3 });
    expect(distribution([])).to.deep.equal({ mean: null, median: null, p90: null, count: 0 });
    expect(median([9, 3, 6, 1])).to.equal(3);
    expect(median([])).to.equal(null);
  });

  it('gives rates as fractions rounded to four decimals, null over nothing', () => {
    expect(ratio(2, 3)).to.equal(0.6667);
    expect(ratio(1, 3)).to.equal(0.3333);
    expect(ratio(3, 3)).to.equal(1);
    expect(ratio(0, 5)).to.equal(0);
    expect(ratio(5, 4)).to.equal(1.25);
    expect(ratio(0, 0)).to.equal(null);
  });

  it('rounds half away from zero without binary surprises', () => {
    expect(round(1.005, 2)).to.equal(1.01);
    expect(round(2.5, 0)).to.equal(3);
    expect(round(-2.5, 0)).to.equal(-3);
    expect(round(0.12345, 4)).to.equal(0.1235);
    expect(round(26.25, 1)).to.equal(26.3);
  });
});

describe('report maths on histograms', () => {
  const histogram = (values: number[]) => {
    const h: Histogram = new Map();
    for (const v of values) addToHistogram(h, v);
    return h;
  };

  it('gives the same mean, median, p90 and count as the values themselves', () => {
    for (const values of [[100, 5, 30, 0, 45, 10, 20], [1, 2], [1, 1, 2], [7], [3, 3, 3, 3, 9, 9, 1, 1, 1, 1], Array.from({ length: 101 }, (_, i) => (i * 37) % 50)]) {
      expect(histogramDistribution(histogram(values)), JSON.stringify(values)).to.deep.equal(distribution(values));
      expect(histogramMedian(histogram(values))).to.equal(median(values));
    }
    expect(histogramDistribution(new Map())).to.deep.equal({ mean: null, median: null, p90: null, count: 0 });
    expect(histogramMedian(new Map())).to.equal(null);
  });

  it('counts repeated values by their weight', () => {
    const h: Histogram = new Map([[10, 9], [500, 1]]); // nine tickets at 10 minutes, one at 500
    expect(histogramDistribution(h)).to.deep.equal({ mean: 59, median: 10, p90: 10, count: 10 });
    addToHistogram(h, 500, 1); // 11 values: rank ⌈9.9⌉ = 10 is a 500
    expect(histogramDistribution(h)).to.deep.include({ median: 10, p90: 500, count: 11 });
  });
});
