import { describeHealth, fetchHealth } from './health';

const target = document.getElementById('health');
if (target) {
  const result = await fetchHealth();
  target.textContent = describeHealth(result);
  target.className = result.ok ? 'ok' : 'down';
}
