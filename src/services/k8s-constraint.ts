/** The k8sConstraint check lives in domain/ (the admission rules use it too). */
export { checkK8sConstraint, type K8sConstraintCheck } from '../domain/k8s-constraint.js';
