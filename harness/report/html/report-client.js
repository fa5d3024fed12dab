// meshflap report.html chart script: inlined after uPlot; reads the JSON data
// block and draws one coverage chart per aggregator (quorum line, fault
// windows shaded). Plain ES2017, no imports: the page must open offline.
(function () {
  'use strict'
  var dataEl = document.getElementById('meshflap-data')
  if (!dataEl || typeof uPlot !== 'function') return
  var data = JSON.parse(dataEl.textContent)
  var cov = data.coverage
  if (!cov) return

  // faults on the aggregator's own legs are shaded darker than faults elsewhere in the mesh
  function shadeFaults (u, aggregator) {
    var ctx = u.ctx
    var top = u.bbox.top
    var height = u.bbox.height
    ctx.save()
    ctx.beginPath()
    ctx.rect(u.bbox.left, top, u.bbox.width, height)
    ctx.clip()
    // environment stalls (the machine, not a node): hatched grey, under the fault shading
    ;(cov.stalls || []).forEach(function (st) {
      var x0 = u.valToPos(st.from, 'x', true)
      var x1 = u.valToPos(st.to, 'x', true)
      ctx.fillStyle = 'rgba(87, 96, 106, 0.22)'
      ctx.fillRect(x0, top, Math.max(x1 - x0, 2), height)
      ctx.strokeStyle = 'rgba(87, 96, 106, 0.5)'
      for (var hx = x0 - height; hx < x1; hx += 6) {
        ctx.beginPath()
        ctx.moveTo(Math.max(hx, x0), top + height - Math.max(0, x0 - hx))
        ctx.lineTo(Math.min(hx + height, x1), top + Math.max(0, hx + height - x1))
        ctx.stroke()
      }
    })
    cov.faults.forEach(function (f) {
      var own = f.ends.indexOf(aggregator) >= 0
      var x0 = u.valToPos(f.from, 'x', true)
      var x1 = u.valToPos(f.to, 'x', true)
      if (f.instant) {
        ctx.fillStyle = own ? 'rgba(207, 34, 46, 0.8)' : 'rgba(207, 34, 46, 0.35)'
        ctx.fillRect(x0 - 1, top, 2, height)
      } else {
        ctx.fillStyle = own ? 'rgba(207, 34, 46, 0.22)' : 'rgba(207, 34, 46, 0.07)'
        ctx.fillRect(x0, top, Math.max(x1 - x0, 2), height)
      }
    })
    ctx.restore()
  }

  cov.aggregators.forEach(function (agg, i) {
    var el = document.getElementById('coverage-chart-' + i)
    if (!el) return
    var quorumLine = cov.slots.map(function () { return cov.quorum })
    var opts = {
      width: Math.max(480, Math.min(1100, (el.clientWidth || 900))),
      height: 220,
      scales: { x: { time: false, range: [cov.xMin, cov.xMax] }, y: { range: [0, cov.validatorCount] } },
      axes: [{ label: 'slot', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] }, { label: 'validators' }],
      series: [
        { label: 'slot' },
        { label: 'coverage ' + agg.name, stroke: '#0969da', width: 2, points: { show: true, size: 5 } },
        { label: 'quorum ' + cov.quorum + '/' + cov.validatorCount, stroke: '#cf222e', dash: [6, 4], width: 1, points: { show: false } }
      ],
      hooks: { drawClear: [function (u) { shadeFaults(u, agg.name) }] }
    }
    // eslint-disable-next-line no-new
    new uPlot(opts, [cov.slots, agg.counts, quorumLine], el)
  })
})()
