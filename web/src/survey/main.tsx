import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SurveyApp, SurveyBoundary } from './survey-app';
import './survey.css';

/** The member survey page (web/survey.html, served for GET /survey/<token>): no login, no console code. */
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SurveyBoundary>
      <SurveyApp />
    </SurveyBoundary>
  </StrictMode>,
);
