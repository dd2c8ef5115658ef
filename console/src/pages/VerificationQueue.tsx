import { Navigate } from 'react-router-dom';

/**
 * The verification queue: the problem list preset to findings awaiting verification. The service
 * shows a verifier those their office leads (GET /reports/ledger applies the same scope as GET /findings).
 */
export default function VerificationQueue() {
  return <Navigate to="/findings?state=verifying" replace />;
}
