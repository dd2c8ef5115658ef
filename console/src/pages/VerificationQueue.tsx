import { Spin } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate } from 'react-router-dom';
import { Me, currentUser } from '../api';

/**
 * The queue of what awaits the person's check, as a preset of the problem list. A verifier sees every
 * finding hospital-wide but verifies those of the round types their office leads: findings awaiting
 * verification of that type (of any type when the office leads several). The discipline office's
 * step is the closure audit.
 */
function queueOf(me: Me): string {
  if (!me.roles.includes('verifier')) return '?state=closure_audit';
  const only = me.leadOfficeFor.length === 1 ? `&roundType=${me.leadOfficeFor[0]}` : '';
  return `?state=verifying${only}`;
}

export default function VerificationQueue() {
  const [search, setSearch] = useState<string | null>(null);
  useEffect(() => void currentUser().then((me) => setSearch(queueOf(me))), []);
  return search === null ? <Spin /> : <Navigate to={`/findings${search}`} replace />;
}
